package io.seckill.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.redis.client.impl.types.NumberType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each reply of reserve.lua, built as the Redis client decodes it: a Lua string arrives as a bulk string, a Lua
 * number as an integer (the impl types are the client's own reply objects, so no Redis is needed).
 */
class ReserveOutcomeTest {
  private static final String ORDER_ID = "42-01ARZ3NDEKTSV4RRFFQ69G5FAV";

  @Test
  void okCarriesTheNewOrderIdAndTheStockLeft() {
    ReserveOutcome outcome = ReserveOutcome.parse(reply(bulk("OK"), bulk(ORDER_ID), NumberType.create(17)));

    assertThat(outcome).isEqualTo(new ReserveOutcome(ReserveOutcome.Kind.OK, ORDER_ID, 17));
  }

  @Test
  void duplicateCarriesTheShoppersExistingOrderId() {
    ReserveOutcome outcome = ReserveOutcome.parse(reply(bulk("DUPLICATE"), bulk(ORDER_ID)));

    assertThat(outcome).isEqualTo(new ReserveOutcome(ReserveOutcome.Kind.DUPLICATE, ORDER_ID, 0));
  }

  @Test
  void endedAndNotStartedCarryTheSalesEpochMillisFromItsMeta() {
    assertThat(ReserveOutcome.parse(reply(bulk("ENDED"), bulk("1700000000000"))))
        .isEqualTo(new ReserveOutcome(ReserveOutcome.Kind.ENDED, null, 1_700_000_000_000L));
    assertThat(ReserveOutcome.parse(reply(bulk("NOT_STARTED"), bulk("1800000000000"))))
        .isEqualTo(new ReserveOutcome(ReserveOutcome.Kind.NOT_STARTED, null, 1_800_000_000_000L));
  }

  @Test
  void limitCarriesThePerUserLimitFromTheMeta() {
    assertThat(ReserveOutcome.parse(reply(bulk("LIMIT"), bulk("2"))))
        .isEqualTo(new ReserveOutcome(ReserveOutcome.Kind.LIMIT, null, 2));
  }

  @Test
  void soldOutCarriesTheStockThatWasTooLittle() {
    assertThat(ReserveOutcome.parse(reply(bulk("SOLD_OUT"), NumberType.create(0))))
        .isEqualTo(new ReserveOutcome(ReserveOutcome.Kind.SOLD_OUT, null, 0));
  }

  @Test
  void theRefusalsWithoutADetailCarryNeitherOrderIdNorNumber() {
    for (ReserveOutcome.Kind kind : Set.of(ReserveOutcome.Kind.NO_SALE, ReserveOutcome.Kind.PAUSED,
        ReserveOutcome.Kind.BLOCKED, ReserveOutcome.Kind.BAD_TOKEN, ReserveOutcome.Kind.RELEASED)) {
      assertThat(ReserveOutcome.parse(reply(bulk(kind.name())))).isEqualTo(new ReserveOutcome(kind, null, 0));
    }
  }

  @Test
  void everyOutcomeReserveLuaReturnsIsAKindTheGatewayKnows() throws Exception {
    String script;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("lua/reserve.lua")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Set<String> returned = new TreeSet<>();
    Matcher returns = Pattern.compile("return \\{'([A-Z_]+)'").matcher(script);
    while (returns.find()) {
      returned.add(returns.group(1));
    }

    assertThat(returned).isEqualTo(Arrays.stream(ReserveOutcome.Kind.values()).map(Enum::name)
        .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void anEmptyOrMissingReplyIsRefused() {
    assertThatThrownBy(() -> ReserveOutcome.parse(null))
        .isInstanceOf(IllegalStateException.class).hasMessage("reserve.lua returned nothing");
    assertThatThrownBy(() -> ReserveOutcome.parse(reply()))
        .isInstanceOf(IllegalStateException.class).hasMessage("reserve.lua returned nothing");
  }

  @Test
  void anOutcomeReserveLuaNeverReturnsIsRefused() {
    assertThatThrownBy(() -> ReserveOutcome.parse(reply(bulk("MAYBE"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAYBE");
  }

  private static Response bulk(String text) {
    return BulkType.create(Buffer.buffer(text), false);
  }

  private static Response reply(Response... elements) {
    MultiType array = MultiType.create(elements.length, false);
    for (Response element : elements) {
      array.add(element);
    }
    return array;
  }
}
