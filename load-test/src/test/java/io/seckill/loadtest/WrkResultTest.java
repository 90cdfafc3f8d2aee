package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WrkResultTest {
  static final String OUTPUT = """
      Running 5s test @ http://127.0.0.1:18080/api/v1/sales/7/orders
        2 threads and 64 connections
        Thread Stats   Avg      Stdev     Max   +/- Stdev
          Latency     3.10ms    1.20ms  40.00ms   90.00%
        50000 requests in 5.00s, 9.00MB read
        Non-2xx or 3xx responses: 1000
      Requests/sec:  10000.00
      BENCH_RESULT {"phase":"admit","duration_us":5000000,"requests":50000,"bytes":9000000,"status_202":48000,"status_200":1000,"status_409":1000,"sold_out":900,"status_429":0,"status_503":0,"status_other":0,"socket_errors":2,"tokens_reused":1000,"latency_us":{"p50":2500,"p90":4100,"p99":9800,"max":40000,"mean":3100.5}}
      """;

  @Test
  void parsesTheResultLineAmongWrksOwnOutput() {
    WrkResult r = WrkResult.parse(OUTPUT);

    assertThat(r.phase()).isEqualTo("admit");
    assertThat(r.requests()).isEqualTo(50_000);
    assertThat(r.accepted202()).isEqualTo(48_000);
    assertThat(r.duplicate200()).isEqualTo(1000);
    assertThat(r.soldOut()).isEqualTo(900);
    assertThat(r.socketErrors()).isEqualTo(2);
    assertThat(r.tokensReused()).isEqualTo(1000);
    assertThat(r.p50Ms()).isEqualTo(2.5);
    assertThat(r.p90Ms()).isEqualTo(4.1);
    assertThat(r.p99Ms()).isEqualTo(9.8);
    assertThat(r.maxMs()).isEqualTo(40.0);
  }

  @Test
  void ratesCountOnlyTheStatusThePhaseIsAbout() {
    WrkResult r = WrkResult.parse(OUTPUT);

    assertThat(r.acceptedPerSecond()).isEqualTo(9600.0);
    assertThat(r.soldOutPerSecond()).isEqualTo(180.0);
  }

  @Test
  void outputWithoutAResultLineIsRefusedWithAReason() {
    assertThatThrownBy(() -> WrkResult.parse("unable to connect to 127.0.0.1:18080 Connection refused"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no BENCH_RESULT line");
  }

  @Test
  void aResultWithoutDurationIsRefused() {
    assertThatThrownBy(() -> WrkResult.parse("BENCH_RESULT {\"phase\":\"admit\",\"duration_us\":0}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no duration");
  }
}
