package io.seckill.infra.stack;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

/**
 * A sale as an operator creates it through stock-service's admin API ({@code POST /admin/v1/sales},
 * which also warms it up into Redis). Defaults: open since 5 s ago for an hour, one unit per shopper,
 * 300 s to pay, no purchase token, one stock bucket.
 */
public final class NewSale {
  private final int units;
  private String itemName = "Test phone";
  private long priceCents = 19_900;
  private int perUserLimit = 1;
  private int paymentTimeoutSeconds = 300;
  private boolean requirePurchaseToken;
  private long opensInSeconds;
  private int stockBuckets = 1;

  private NewSale(int units) {
    this.units = units;
  }

  public static NewSale of(int units) {
    return new NewSale(units);
  }

  public NewSale itemName(String name) {
    this.itemName = name;
    return this;
  }

  public NewSale priceCents(long cents) {
    this.priceCents = cents;
    return this;
  }

  public NewSale perUserLimit(int limit) {
    this.perUserLimit = limit;
    return this;
  }

  public NewSale paymentTimeoutSeconds(int seconds) {
    this.paymentTimeoutSeconds = seconds;
    return this;
  }

  public NewSale requirePurchaseToken(boolean required) {
    this.requirePurchaseToken = required;
    return this;
  }

  /** Opens that many seconds from now; 0 or less: already open. */
  public NewSale opensInSeconds(long seconds) {
    this.opensInSeconds = seconds;
    return this;
  }

  public NewSale stockBuckets(int buckets) {
    this.stockBuckets = buckets;
    return this;
  }

  /** The admin API's request body. */
  public JsonObject toJson() {
    Instant now = Instant.now();
    JsonObject sale = new JsonObject()
        .put("itemName", itemName).put("priceCents", priceCents).put("stock", units)
        .put("startsAt", now.plusSeconds(opensInSeconds > 0 ? opensInSeconds : -5).toString())
        .put("endsAt", now.plusSeconds(3600).toString())
        .put("perUserLimit", perUserLimit).put("paymentTimeoutSeconds", paymentTimeoutSeconds)
        .put("requirePurchaseToken", requirePurchaseToken);
    if (stockBuckets != 1) {
      sale.put("stockBuckets", stockBuckets);
    }
    return sale;
  }

  /** Creates it on the stock-service at {@code stockService} (http://host:port) with the test admin token; its id. */
  public long createOn(URI stockService) {
    HttpResponse<String> created = LocalHttp.send(HttpRequest.newBuilder(stockService.resolve("/admin/v1/sales"))
        .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(toJson().encode())));
    if (created.statusCode() != 201) {
      throw new IllegalStateException("sale not created: " + created.statusCode() + " " + created.body());
    }
    return new JsonObject(created.body()).getLong("saleId");
  }
}
