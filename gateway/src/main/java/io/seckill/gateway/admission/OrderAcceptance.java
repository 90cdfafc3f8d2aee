package io.seckill.gateway.admission;

import io.seckill.common.http.ErrorCode;
import io.seckill.common.http.ProblemException;
import io.seckill.common.kafka.OrderMessage;
import io.seckill.common.order.OrderStatus;
import io.seckill.gateway.Answer;
import io.seckill.gateway.sales.SaleMeta;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The step after a successful reservation: hands the order to Kafka ({@link OrderHandOff}) and answers 202 once
 * it was taken; gives the reservation back and answers 503 "nothing was reserved" when it certainly was not;
 * answers 504 OUTCOME_UNKNOWN with the order id, keeping the reservation, when nobody can tell yet.
 */
public final class OrderAcceptance {
  static final int KAFKA_RETRY_AFTER_S = 2;

  private final OrderHandOff handOff;
  private final ReservationUndo undo;
  private final SellOuts sellOuts;
  private final AdmissionFaults faults;
  private final LongSupplier clock;

  public OrderAcceptance(OrderHandOff handOff, ReservationUndo undo, SellOuts sellOuts, AdmissionFaults faults,
                  LongSupplier clock) {
    this.handOff = handOff;
    this.undo = undo;
    this.sellOuts = sellOuts;
    this.faults = faults;
    this.clock = clock;
  }

  Future<Answer> accept(BucketWalk.Request request, BucketWalk.Walked walked) {
    SaleMeta meta = request.meta();
    long saleId = meta.saleId();
    String orderId = walked.outcome().orderId();
    if (walked.outcome().number() <= 0) {
      sellOuts.lastUnitTaken(meta, walked.bucket());
    }
    faults.afterReserve(saleId, orderId);
    int quantity = request.purchase().quantity();
    OrderMessage message = new OrderMessage(orderId, saleId, request.userId(), quantity, clock.getAsLong(),
        request.requestId());
    String location = "/api/v1/orders/" + orderId;
    return handOff.handOff(message).compose(fate -> switch (fate) {
      case QUEUED -> Future.succeededFuture(new Answer(202, new JsonObject().put("orderId", orderId).put("saleId", saleId)
          .put("status", OrderStatus.QUEUED.name()), location));
      case NOT_TAKEN -> {
        undo.release(orderId, request.userId(), quantity, request.requestId());
        yield Future.failedFuture(ProblemException.unavailable("orders cannot be accepted right now, nothing was reserved",
            KAFKA_RETRY_AFTER_S));
      }
      case UNKNOWN -> Future.failedFuture(new ProblemException(ErrorCode.OUTCOME_UNKNOWN, "the order may or may not"
          + " have been taken: check it at the order's URL, or retry the purchase (a retry returns the order if it"
          + " exists)", new JsonObject().put("orderId", orderId).put("saleId", saleId).put("status", "UNKNOWN"),
          Map.of("Location", location, "Retry-After", Integer.toString(KAFKA_RETRY_AFTER_S))));
    });
  }
}
