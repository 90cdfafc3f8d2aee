package io.seckill.common.kafka;

/**
 * An admitted order on its way to PostgreSQL: the value of a {@code seckill.orders} record, keyed
 * by {@code orderId}.
 *
 * @param orderId    the id the gateway generated (see {@code OrderIds})
 * @param saleId     the sale
 * @param userId     the shopper (JWT subject)
 * @param quantity   units reserved in Redis
 * @param reservedAt epoch milliseconds of the reservation
 * @param requestId  the gateway request id, so one order can be followed end to end in the logs
 */
public record OrderMessage(String orderId, long saleId, String userId, int quantity, long reservedAt, String requestId) {
}
