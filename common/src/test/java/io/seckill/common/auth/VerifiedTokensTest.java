package io.seckill.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aRememberedTokenAnswersItsSubjectUntilItsExpiryPlusTheLeeway() {
    VerifiedTokens cache = new VerifiedTokens(10, 30, now::get);
    long exp = now.get() / 1000 + 60;
    cache.remember(VerifiedTokens.key("header.payload.sig"), "alice", exp);

    assertThat(cache.subject(VerifiedTokens.key("header.payload.sig"))).isEqualTo("alice");
    now.set(exp * 1000 + 29_999);
    assertThat(cache.subject(VerifiedTokens.key("header.payload.sig"))).isEqualTo("alice");
    now.set(exp * 1000 + 30_000);
    assertThat(cache.subject(VerifiedTokens.key("header.payload.sig"))).isNull();
    assertThat(cache.size()).as("an expired entry is dropped when met").isZero();
  }

  @Test
  void anotherPayloadUnderTheSameSignatureIsAMiss() {
    VerifiedTokens cache = new VerifiedTokens(10, 0, now::get);
    cache.remember(VerifiedTokens.key("h.eyJzdWIiOiJhbGljZSJ9.sig"), "alice", now.get() / 1000 + 60);

    assertThat(cache.subject(VerifiedTokens.key("h.eyJzdWIiOiJtYWxsb3J5In0.sig"))).isNull();
  }

  @Test
  void atItsBoundTheExpiredGoFirstAndOtherwiseEverythingGoes() {
    VerifiedTokens cache = new VerifiedTokens(3, 0, now::get);
    long soon = now.get() / 1000 + 1;
    long later = now.get() / 1000 + 600;
    cache.remember(VerifiedTokens.key("a"), "a", soon);
    cache.remember(VerifiedTokens.key("b"), "b", later);
    cache.remember(VerifiedTokens.key("c"), "c", later);
    now.addAndGet(2_000);

    cache.remember(VerifiedTokens.key("d"), "d", later);
    assertThat(cache.size()).as("a expired and made room").isEqualTo(3);
    assertThat(cache.subject(VerifiedTokens.key("b"))).isEqualTo("b");

    cache.remember(VerifiedTokens.key("e"), "e", later);
    assertThat(cache.size()).as("nothing expired: emptied, then e").isEqualTo(1);
    assertThat(cache.subject(VerifiedTokens.key("e"))).isEqualTo("e");
  }

  @Test
  void sizeZeroIsOff() {
    assertThat(new VerifiedTokens(0, 30, now::get).enabled()).isFalse();
  }
}
