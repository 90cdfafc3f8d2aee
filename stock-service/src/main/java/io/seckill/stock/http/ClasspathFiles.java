package io.seckill.stock.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Files served as they are from the classpath (the OpenAPI document, the console page), read once at start. */
public final class ClasspathFiles {
  private ClasspathFiles() {
  }

  /** The classpath file {@code name} as UTF-8 text; missing is a start failure, not a 404 later. */
  public static String text(String name) {
    try (InputStream in = ClasspathFiles.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }
}
