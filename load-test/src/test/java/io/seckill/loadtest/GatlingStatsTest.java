package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatlingStatsTest {
  /** A statistics-table row as Gatling 3.15 writes it in index.html. */
  private static String row(String name, String p50, String p99, int total, int ko) {
    return """
        <tr id="req_%1$s-1" data-parent="ROOT">
          <td class="total col-1">
            <span onmouseover="isEllipsed('stats-table-req_%1$s-1')" id="stats-table-req_%1$s-1" class="ellipsed-name">%1$s</span>
          </td>
          <td class="value total col-2">%4$d</td>
          <td class="value ok col-3">%5$d</td>
          <td class="value ko col-4">%6$d</td>
          <td class="value ko col-5">0.5</td>
          <td class="value total col-6">25.1</td>
          <td class="value total col-7">1</td>
          <td class="value total col-8">%2$s</td>
          <td class="value total col-9">3</td>
          <td class="value total col-10">5</td>
          <td class="value total col-11">%3$s</td>
          <td class="value total col-12">40</td>
        </tr>
        """.formatted(name, p50, p99, total, total - ko, ko);
  }

  @Test
  void readsTheNamedRequestsRowOfTheStatisticsTable() {
    String html = "<tbody>" + row("read sale", "1", "4", 100, 0) + row("buy", "2", "9", 100, 1) + "</tbody>";

    GatlingStats.RequestStats buy = GatlingStats.find(html, "buy").orElseThrow();

    assertThat(buy.p99Ms()).isEqualTo(9.0);
    assertThat(buy.p50Ms()).isEqualTo(2.0);
    assertThat(buy.requests()).isEqualTo(100);
    assertThat(buy.failed()).isEqualTo(1);
  }

  @Test
  void aFigureGatlingCouldNotComputeReadsAsZeroAndAMissingRequestAsEmpty() {
    String html = row("buy", "-", "-", 0, 0);

    assertThat(GatlingStats.find(html, "buy").orElseThrow().p99Ms()).isZero();
    assertThat(GatlingStats.find(html, "cancel")).isEmpty();
  }
}
