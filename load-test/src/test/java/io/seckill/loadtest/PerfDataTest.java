package io.seckill.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerfDataTest {
  /** A perf-data buffer as HotSpot lays it out: prologue, then one entry per counter. */
  private static ByteBuffer buffer(ByteOrder order, Map<String, Long> longs) {
    ByteBuffer b = ByteBuffer.allocate(4096).order(order);
    b.put(0, (byte) 0xca).put(1, (byte) 0xfe).put(2, (byte) 0xc0).put(3, (byte) 0xc0);
    b.put(4, (byte) (order == ByteOrder.BIG_ENDIAN ? 0 : 1)).put(5, (byte) 2).put(6, (byte) 0).put(7, (byte) 1);
    b.putInt(24, 32).putInt(28, longs.size() + 1);
    int at = 32;
    at = entry(b, at, "sun.rt.javaCommand", 'B', 8, 0L);
    for (Map.Entry<String, Long> e : longs.entrySet()) {
      at = entry(b, at, e.getKey(), 'J', 0, e.getValue());
    }
    b.putInt(8, at);
    return b;
  }

  private static int entry(ByteBuffer b, int at, String name, char type, int vectorLength, long value) {
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    int nameOffset = 20;
    int dataOffset = (nameOffset + bytes.length + 1 + 7) / 8 * 8;
    int length = dataOffset + (vectorLength == 0 ? 8 : vectorLength);
    b.putInt(at, length).putInt(at + 4, nameOffset).putInt(at + 8, vectorLength).put(at + 12, (byte) type)
        .put(at + 13, (byte) 0).put(at + 14, (byte) 1).put(at + 15, (byte) 3).putInt(at + 16, dataOffset);
    b.put(at + nameOffset, bytes);
    if (vectorLength == 0) {
      b.putLong(at + dataOffset, value);
    }
    return at + length;
  }

  @Test
  void readsTheLongCountersInEitherByteOrderAndSkipsTheRest() {
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      Map<String, Long> counters = PerfData.parse(buffer(order, Map.of("java.ci.totalTime", 603_711_328L,
          "sun.os.hrt.frequency", 1_000_000_000L)));

      assertThat(counters).containsEntry("java.ci.totalTime", 603_711_328L)
          .containsEntry("sun.os.hrt.frequency", 1_000_000_000L).doesNotContainKey("sun.rt.javaCommand");
    }
  }

  @Test
  void refusesABufferThatIsNotPerfData() {
    assertThatThrownBy(() -> PerfData.parse(ByteBuffer.allocate(64))).hasMessageContaining("not a HotSpot perf-data buffer");
  }

  @Test
  void readsTheCompileTimeOfThisVeryJvm() throws Exception {
    Map<String, Long> counters = PerfData.read(ProcessHandle.current().pid());

    // This JVM has compiled something by the time a test runs; the clock is the high-resolution one.
    assertThat(counters.get("java.ci.totalTime")).isPositive();
    assertThat(counters.get("sun.os.hrt.frequency")).isPositive();
    assertThat(counters.get("sun.ci.totalCompiles")).isPositive();
  }

  @Test
  void compilerThreadTicksSumOnlyTheCompilerThreads() {
    String c2 = "101 (C2 CompilerThre) S 1 1 1 0 -1 4194624 0 0 0 0 70 5 0 0 20 0 40 0 1 0 0";
    String c1 = "102 (C1 CompilerThre) S 1 1 1 0 -1 4194624 0 0 0 0 20 3 0 0 20 0 40 0 1 0 0";
    String loop = "103 (vert.x-eventloop) S 1 1 1 0 -1 4194624 0 0 0 0 900 90 0 0 20 0 40 0 1 0 0";

    long ticks = JitCounters.compilerTicks(List.of(new String[] {"C2 CompilerThre", c2}, new String[] {"C1 CompilerThre", c1},
        new String[] {"vert.x-eventloo", loop}));

    assertThat(ticks).isEqualTo(98);
  }
}
