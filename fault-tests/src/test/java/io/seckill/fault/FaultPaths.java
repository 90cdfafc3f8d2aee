package io.seckill.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the services' jars are and where the suite writes its logs and report. */
final class FaultPaths {
  private FaultPaths() {
  }

  static Path root() {
    return Path.of(System.getProperty("seckill.root", "..")).toAbsolutePath().normalize();
  }

  static Path target() {
    return Path.of(System.getProperty("seckill.fault.target", "target")).toAbsolutePath().normalize();
  }

  static Path log(String scenario, String service) {
    try {
      Path dir = Files.createDirectories(target().resolve("logs"));
      return dir.resolve(scenario + "-" + service + ".log");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the log directory: " + e.getMessage(), e);
    }
  }

  /**
   * The service's shaded jar, copied once per run into target/service-jars: other builds on the machine may
   * rewrite {@code <module>/target/*.jar} while a scenario runs, and a JVM whose jar changes under it fails.
   */
  static synchronized Path jar(String module, String jarName) {
    Path source = root().resolve(module).resolve("target").resolve(jarName + ".jar");
    Path copy = target().resolve("service-jars").resolve(jarName + ".jar");
    if (COPIED.add(jarName)) {
      if (!Files.isRegularFile(source)) {
        throw new IllegalStateException(source + " is missing: build it first (scripts/chaos.sh does)");
      }
      try {
        Files.createDirectories(copy.getParent());
        Files.copy(source, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new IllegalStateException("cannot copy " + source + ": " + e.getMessage(), e);
      }
    }
    return copy;
  }

  private static final java.util.Set<String> COPIED = new java.util.HashSet<>();

  static Path report() {
    return target().resolve("fault-report.txt");
  }
}
