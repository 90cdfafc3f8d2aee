package io.seckill.loadtest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The long counters of a HotSpot JVM's performance-data file ({@code /tmp/hsperfdata_<user>/<pid>}), the
 * memory-mapped buffer jstat and {@code jcmd PerfCounter.print} read. Read here directly so one small JVM
 * samples every JVM of the bench in a few milliseconds, where a jcmd per JVM would start a JVM each.
 *
 * <p>Layout (HotSpot perfMemory.hpp, stable since JDK 6, version 2.0): a 32-byte prologue (magic
 * {@code 0xcafec0c0} as bytes CA FE C0 C0, byte order 0 = big / 1 = little endian, versions, accessible flag,
 * used, overflow, modification stamp, entry offset, entry count), then entries of {@code entry_length,
 * name_offset, vector_length, data_type, flags, data_units, data_variability, data_offset}, each with a
 * NUL-terminated name. Only scalar {@code 'J'} (long) entries are returned.
 */
final class PerfData {
  static final int MAGIC = 0xcafec0c0;

  private PerfData() {
  }

  /** The counters of the JVM with this pid; IOException when it has no perf-data file (exited, -XX:-UsePerfData, another user). */
  static Map<String, Long> read(long pid) throws IOException {
    Path file = Path.of(System.getProperty("seckill.hsperfdata.dir",
        "/tmp/hsperfdata_" + System.getProperty("user.name")), Long.toString(pid));
    return parse(ByteBuffer.wrap(Files.readAllBytes(file)));
  }

  static Map<String, Long> parse(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
    if (b.remaining() < 32 || b.getInt(0) != MAGIC) {
      throw new IllegalArgumentException("not a HotSpot perf-data buffer (magic " + (b.remaining() >= 4
          ? Integer.toHexString(b.getInt(0)) : "missing") + ")");
    }
    b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int entryOffset = b.getInt(24);
    int entries = b.getInt(28);
    Map<String, Long> counters = new LinkedHashMap<>();
    int at = entryOffset;
    for (int i = 0; i < entries && at + 20 <= b.limit(); i++) {
      int length = b.getInt(at);
      if (length <= 0) {
        break; // an entry still being written by the JVM: the rest is not there yet
      }
      int nameOffset = b.getInt(at + 4);
      int vectorLength = b.getInt(at + 8);
      byte type = b.get(at + 12);
      int dataOffset = b.getInt(at + 16);
      if (type == 'J' && vectorLength == 0 && at + dataOffset + 8 <= b.limit()) {
        counters.put(name(b, at + nameOffset), b.getLong(at + dataOffset));
      }
      at += length;
    }
    return counters;
  }

  private static String name(ByteBuffer b, int from) {
    int end = from;
    while (end < b.limit() && b.get(end) != 0) {
      end++;
    }
    byte[] bytes = new byte[end - from];
    b.get(from, bytes);
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
