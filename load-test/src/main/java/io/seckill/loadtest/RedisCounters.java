package io.seckill.loadtest;

/**
 * The counters of one Redis node that the cost figures difference across a phase, read from
 * {@code INFO commandstats} and {@code INFO cpu}.
 *
 * @param scriptCalls calls of EVALSHA + EVAL (every Lua script the services run)
 * @param scriptUsec  microseconds Redis spent inside those calls (commands the scripts ran included)
 * @param cpuUsec     used_cpu_user + used_cpu_sys of the whole redis-server process, in microseconds
 */
public record RedisCounters(long scriptCalls, long scriptUsec, long cpuUsec) {
  private static final String[] SCRIPT_COMMANDS = {"cmdstat_evalsha:", "cmdstat_eval:"};

  /** Parses the text of INFO commandstats and INFO cpu (one string or both concatenated). */
  public static RedisCounters parse(String info) {
    long calls = 0;
    long usec = 0;
    double cpuSeconds = 0;
    for (String raw : info.split("\\R")) {
      String line = raw.trim();
      for (String command : SCRIPT_COMMANDS) {
        if (line.startsWith(command)) {
          calls += field(line, "calls");
          usec += field(line, "usec");
        }
      }
      if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
        cpuSeconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
      }
    }
    return new RedisCounters(calls, usec, Math.round(cpuSeconds * 1_000_000));
  }

  /** {@code cmdstat_x:calls=3,usec=40,usec_per_call=13.33,...}: the integer value of one field. */
  private static long field(String line, String name) {
    for (String pair : line.substring(line.indexOf(':') + 1).split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return Long.parseLong(pair.substring(eq + 1));
      }
    }
    return 0;
  }

  /** What happened between an earlier snapshot and this one. */
  public RedisCounters minus(RedisCounters earlier) {
    return new RedisCounters(scriptCalls - earlier.scriptCalls, scriptUsec - earlier.scriptUsec, cpuUsec - earlier.cpuUsec);
  }

  public RedisCounters plus(RedisCounters other) {
    return new RedisCounters(scriptCalls + other.scriptCalls, scriptUsec + other.scriptUsec, cpuUsec + other.cpuUsec);
  }
}
