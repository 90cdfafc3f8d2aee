package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GatlingStatsTest {
  private static JsonObject request(String name, Object p50, Object p99, int total, int ko) {
    return new JsonObject().put("type", "REQUEST").put("name", name).put("stats", new JsonObject()
        .put("numberOfRequests", new JsonObject().put("total", total).put("ok", total - ko).put("ko", ko))
        .put("percentiles1", new JsonObject().put("total", p50))
        .put("percentiles4", new JsonObject().put("total", p99)));
  }

  @Test
  void findsTheNamedRequestInsideTheReportTree() {
    JsonObject report = new JsonObject().put("type", "GROUP").put("name", "All Requests")
        .put("contents", new JsonObject()
            .put("req_read-sale", request("read sale", 1, 4, 100, 0))
            .put("req_buy-1", request("buy", 2, 9, 100, 1)));

    GatlingStats.RequestStats buy = GatlingStats.find(report, "buy").orElseThrow();

    assertThat(buy.p99Ms()).isEqualTo(9.0);
    assertThat(buy.p50Ms()).isEqualTo(2.0);
    assertThat(buy.requests()).isEqualTo(100);
    assertThat(buy.failed()).isEqualTo(1);
  }

  @Test
  void aFigureGatlingCouldNotComputeReadsAsZeroAndAMissingRequestAsEmpty() {
    JsonObject report = new JsonObject().put("type", "GROUP").put("contents", new JsonObject()
        .put("req_buy", request("buy", "-", "-", 0, 0)));

    assertThat(GatlingStats.find(report, "buy").orElseThrow().p99Ms()).isZero();
    assertThat(GatlingStats.find(report, "cancel")).isEmpty();
  }
}
