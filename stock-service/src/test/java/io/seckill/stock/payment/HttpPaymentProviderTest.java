package io.seckill.stock.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.seckill.common.config.Env;
import io.seckill.common.order.OrderIds;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The http provider against a fake provider server that checks our signature and signs (or forges) its answers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpPaymentProviderTest {
  /** The query bound of the test that waits it out, with a client of its own (see that test). */
  private static final int TIMEOUT_MS = 3_000;
  /** Every other answer comes at once: a bound it never nears, on a loaded machine too. */
  private static final int ANSWER_TIMEOUT_MS = 15_000;
  private final Vertx vertx = Vertx.vertx();
  private FakePaymentProvider fake;
  private HttpPaymentProvider provider;

  @BeforeAll
  void start() {
    fake = new FakePaymentProvider();
    provider = provider(FakePaymentProvider.KEY, ANSWER_TIMEOUT_MS);
    // Warm the client and both servers' code paths, so no test's first query races a cold start.
    provider.query(order()).await();
  }

  @AfterAll
  void stop() {
    fake.close();
    vertx.close().await();
  }

  private HttpPaymentProvider provider(String key, int timeoutMs) {
    Map<String, String> env = new HashMap<>(fake.env());
    env.put("SECKILL_PAYMENT_PROVIDER_KEY", key);
    env.put("SECKILL_PAYMENT_QUERY_TIMEOUT_MS", Integer.toString(timeoutMs));
    return new HttpPaymentProvider(vertx, PaymentQueryConfig.from(Env.of(env)), Clock.systemUTC());
  }

  private static String order() {
    return OrderIds.next(42);
  }

  private PaymentStatus ask(String orderId, FakePaymentProvider.Answer answer) {
    fake.answer(orderId, answer);
    return provider.query(orderId).await();
  }

  @Test
  void aSignedQueryIsAcceptedAndAVerifiedPaidAnswerCarriesItsAmountAndPaymentId() {
    int rejectedBefore = fake.rejected.get();
    String orderId = order();

    PaymentStatus status = ask(orderId, new FakePaymentProvider.Paid(2_500, "pay-" + orderId));

    assertThat(status).isEqualTo(new PaymentStatus.Paid(2_500, "pay-" + orderId));
    assertThat(fake.queries(orderId)).as("the fake verified our signature, merchant, timestamp and nonce").isEqualTo(1);
    assertThat(fake.rejected.get()).isEqualTo(rejectedBefore);
  }

  @Test
  void aVerifiedNotPaidAnswerIsNotPaidAndEachQueryUsesAFreshNonce() {
    String orderId = order();
    fake.answer(orderId, new FakePaymentProvider.NotPaid());

    assertThat(provider.query(orderId).await()).isEqualTo(new PaymentStatus.NotPaid());
    // The fake refuses a nonce it has seen: a second query passing proves the nonce changed.
    assertThat(provider.query(orderId).await()).isEqualTo(new PaymentStatus.NotPaid());
    assertThat(fake.queries(orderId)).isEqualTo(2);
  }

  @Test
  void aQuerySignedWithAnotherKeyIsRefusedByTheProviderAndIsUnknown() {
    int rejectedBefore = fake.rejected.get();
    String orderId = order();
    fake.answer(orderId, new FakePaymentProvider.Paid(100, "pay-wrong-key"));

    PaymentStatus status = provider("not-the-provider-key-0123456789-0123456789", ANSWER_TIMEOUT_MS).query(orderId).await();

    assertThat(status).isInstanceOf(PaymentStatus.Unknown.class);
    assertThat(((PaymentStatus.Unknown) status).reason()).contains("401");
    assertThat(fake.rejected.get()).isEqualTo(rejectedBefore + 1);
    assertThat(fake.queries(orderId)).isZero();
  }

  @Test
  void aForgedAnswerIsUnknownEvenWhenItSaysPaid() {
    String orderId = order();

    PaymentStatus status = ask(orderId, new FakePaymentProvider.Forged(new FakePaymentProvider.Paid(100, "pay-forged")));

    assertThat(status).isInstanceOf(PaymentStatus.Unknown.class);
    assertThat(((PaymentStatus.Unknown) status).reason()).contains("signature");
  }

  @Test
  void anUnsignedAnswerIsUnknownEvenWhenItSaysNotPaid() {
    PaymentStatus status = ask(order(), new FakePaymentProvider.Unsigned(new FakePaymentProvider.NotPaid()));

    assertThat(status).isInstanceOf(PaymentStatus.Unknown.class);
    assertThat(((PaymentStatus.Unknown) status).reason()).contains("not signed");
  }

  @Test
  void aCorrectlySignedButStaleAnswerIsUnknown() {
    PaymentStatus status = ask(order(), new FakePaymentProvider.Stale(new FakePaymentProvider.NotPaid()));

    assertThat(status).isInstanceOf(PaymentStatus.Unknown.class);
    assertThat(((PaymentStatus.Unknown) status).reason()).contains("stale");
  }

  @Test
  void aSignedAnswerAboutAnotherOrderIsUnknown() {
    String orderId = order();

    PaymentStatus status = ask(orderId, new FakePaymentProvider.OtherOrder(order(), new FakePaymentProvider.NotPaid()));

    assertThat(status).isInstanceOf(PaymentStatus.Unknown.class);
    assertThat(((PaymentStatus.Unknown) status).reason()).contains("another order");
  }

  @Test
  void aServerErrorIsUnknown() {
    PaymentStatus status = ask(order(), new FakePaymentProvider.ServerError());

    assertThat(status).isInstanceOf(PaymentStatus.Unknown.class);
    assertThat(((PaymentStatus.Unknown) status).reason()).contains("500");
  }

  @Test
  void aProviderThatNeverAnswersIsUnknownOnceTheQueryTimeoutPasses() {
    // A client of its own with the short bound this test waits out; the others keep a bound they never near. (The
    // answers given at once that timed out in CI were queries made from the test's thread, see HttpPaymentProvider.)
    HttpPaymentProvider timing = provider(FakePaymentProvider.KEY, TIMEOUT_MS);
    String orderId = order();
    fake.answer(orderId, new FakePaymentProvider.Silent());
    long started = System.nanoTime();

    PaymentStatus status = timing.query(orderId).await();

    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(status).isInstanceOf(PaymentStatus.Unknown.class);
    assertThat(elapsedMs).isBetween((long) TIMEOUT_MS - 50, (long) TIMEOUT_MS + 1_500);
  }

  @Test
  void aSlowButVerifiedAnswerWithinTheTimeoutCounts() {
    String orderId = order();
    Promise<Void> release = Promise.promise();
    fake.answer(orderId, new FakePaymentProvider.Held(release.future(), new FakePaymentProvider.NotPaid()));
    vertx.setTimer(100, id -> release.complete());

    assertThat(provider.query(orderId).await()).isEqualTo(new PaymentStatus.NotPaid());
  }
}
