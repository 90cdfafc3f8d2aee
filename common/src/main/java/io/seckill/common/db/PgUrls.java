package io.seckill.common.db;

import java.net.URI;

/** Converts the services' {@code postgresql://user[:password]@host:port/db} URLs for JDBC and for other databases. */
public final class PgUrls {
  private PgUrls() {
  }

  public static String toJdbc(String url) {
    URI uri = URI.create(url);
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost())
        .append(':').append(uri.getPort() < 0 ? 5432 : uri.getPort()).append(uri.getPath());
    String userInfo = uri.getUserInfo();
    if (userInfo != null) {
      String[] parts = userInfo.split(":", 2);
      jdbc.append("?user=").append(parts[0]);
      if (parts.length == 2) {
        jdbc.append("&password=").append(parts[1]);
      }
    }
    return jdbc.toString();
  }

  /** The same server and credentials, another database. */
  public static String withDatabase(String url, String database) {
    URI uri = URI.create(url);
    String userInfo = uri.getUserInfo() == null ? "" : uri.getUserInfo() + "@";
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    return "postgresql://" + userInfo + uri.getHost() + ":" + port + "/" + database;
  }
}
