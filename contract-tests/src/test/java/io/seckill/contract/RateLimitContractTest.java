package io.seckill.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's token buckets really limit: a burst, then 429 RATE_LIMITED with Retry-After, for one
 * user and for one client IP, while another user or IP is unaffected. Each client binds its own
 * loopback address (127.0.0.x), since the per-IP bucket keys on the socket's peer address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitContractTest {
  private static final int USER_BURST = 5;
  private static final int IP_BURST = 20;

  private ContractSystem system;
  private Vertx vertx;
  private long sale;

  @BeforeAll
  void start() throws Exception {
    system = ContractSystem.start("ratelimit", Map.of("SECKILL_RATE_USER_PER_S", "1", "SECKILL_RATE_USER_BURST", "" + USER_BURST,
        "SECKILL_RATE_IP_PER_S", "1", "SECKILL_RATE_IP_BURST", "" + IP_BURST));
    sale = system.createSale(5, 1, 300, false, 0);
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void oneUserGetsItsBurstThen429WithRetryAfterWhileAnotherUserIsServed() {
    String path = "/api/v1/orders/" + sale + "-01ARZ3NDEKTSV4RRFFQ69G5FAV";
    String hammer = "Bearer " + system.jwt.mint("hammer-1", 600);
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < USER_BURST + 10 && (answers.isEmpty() || answers.get(answers.size() - 1).status() != 429); i++) {
      answers.add(get("127.0.0.2", path, hammer));
    }
    assertThat(answers.subList(0, USER_BURST)).as("the burst of one user").allMatch(a -> a.status() == 404);
    assertLimited(answers.get(answers.size() - 1), answers);
    assertThat(get("127.0.0.2", path, "Bearer " + system.jwt.mint("calm-1", 600)).status())
        .as("another user from the same address").isEqualTo(404);
  }

  @Test
  void oneClientAddressGetsItsBurstThen429WithRetryAfterWhileAnotherAddressIsServed() {
    String path = "/api/v1/sales/" + sale;
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < IP_BURST + 20 && (answers.isEmpty() || answers.get(answers.size() - 1).status() != 429); i++) {
      answers.add(get("127.0.0.3", path, null));
    }
    assertThat(answers.subList(0, IP_BURST)).as("the burst of one address").allMatch(a -> a.status() == 200);
    assertLimited(answers.get(answers.size() - 1), answers);
    assertThat(get("127.0.0.4", path, null).status()).as("another client address").isEqualTo(200);
  }

  private static void assertLimited(Answer last, List<Answer> answers) {
    assertThat(last.status()).as("a 429 after the burst: %s", answers).isEqualTo(429);
    assertThat(last.contentType()).startsWith(Problems.PROBLEM_JSON);
    JsonObject body = new JsonObject(last.body());
    assertThat(body.getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(body.getInteger("status")).isEqualTo(429);
    assertThat(last.retryAfter()).as("Retry-After seconds").isNotNull().matches("[1-9][0-9]*");
  }

  private record Answer(int status, String contentType, String retryAfter, String body) {
  }

  private Answer get(String localAddress, String path, String authorization) {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(localAddress));
    try {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setPort(system.gateway.httpPort()).setURI(path).setTimeout(10_000);
      if (authorization != null) {
        options.putHeader("Authorization", authorization);
      }
      return client.request(options).compose(request -> request.send())
          .compose(response -> response.body().map(body -> new Answer(response.statusCode(), response.getHeader("Content-Type"),
              response.getHeader("Retry-After"), body.toString())))
          .await();
    } finally {
      client.close().await();
    }
  }
}
