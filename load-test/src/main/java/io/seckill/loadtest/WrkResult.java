package io.seckill.loadtest;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One wrk run as scripts/bench/shoppers.lua reports it: its {@code done()} prints one line
 * {@code BENCH_RESULT {json}} with the status counts of every thread and wrk's latency object
 * (microseconds). wrk's own "Requests/sec" counts every answer, so rates are computed here from the
 * status that the phase is about (202 admitted, 409 SOLD_OUT rejected).
 */
public record WrkResult(String phase, long durationUs, long requests, long accepted202, long duplicate200,
                        long conflict409, long soldOut, long rateLimited429, long unavailable503, long otherStatus,
                        long socketErrors, long tokensReused, double p50Ms, double p90Ms, double p99Ms, double maxMs,
                        double meanMs) {
  static final String MARKER = "BENCH_RESULT ";

  /** Finds the BENCH_RESULT line in a wrk run's output. */
  public static WrkResult parse(String wrkOutput) {
    for (String line : wrkOutput.split("\\R")) {
      int at = line.indexOf(MARKER);
      if (at >= 0) {
        try {
          return fromJson(new JsonObject(line.substring(at + MARKER.length()).trim()));
        } catch (DecodeException e) {
          throw new IllegalArgumentException("malformed " + MARKER.trim() + " line: " + line, e);
        }
      }
    }
    throw new IllegalArgumentException("no " + MARKER.trim() + " line in the wrk output (did wrk fail to start?)");
  }

  static WrkResult fromJson(JsonObject json) {
    JsonObject latency = json.getJsonObject("latency_us", new JsonObject());
    long durationUs = json.getLong("duration_us", 0L);
    if (durationUs <= 0) {
      throw new IllegalArgumentException("wrk reported no duration: " + json.encode());
    }
    return new WrkResult(json.getString("phase", "?"), durationUs, json.getLong("requests", 0L),
        json.getLong("status_202", 0L), json.getLong("status_200", 0L), json.getLong("status_409", 0L),
        json.getLong("sold_out", 0L), json.getLong("status_429", 0L), json.getLong("status_503", 0L),
        json.getLong("status_other", 0L), json.getLong("socket_errors", 0L), json.getLong("tokens_reused", 0L),
        ms(latency, "p50"), ms(latency, "p90"), ms(latency, "p99"), ms(latency, "max"), ms(latency, "mean"));
  }

  private static double ms(JsonObject latency, String key) {
    return latency.getDouble(key, 0.0) / 1000.0;
  }

  public double seconds() {
    return durationUs / 1e6;
  }

  /** 202 answers per second: admissions against the gateway, fixed answers against the ceiling server. */
  public double acceptedPerSecond() {
    return accepted202 / seconds();
  }

  /** 409 SOLD_OUT answers per second. */
  public double soldOutPerSecond() {
    return soldOut / seconds();
  }
}
