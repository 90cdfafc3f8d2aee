/**
 * What a batch of orders becomes, with no Kafka in sight: its PostgreSQL transaction ({@link
 * io.seckill.consumer.batch.OrderBatchWriter}, statements in {@link io.seckill.consumer.batch.OrderSql}), each
 * order's {@link io.seckill.consumer.batch.OrderOutcome}, the Redis statuses written once the batch is committed
 * ({@link io.seckill.consumer.batch.RedisOrderStatusWriter}), the meters they feed, and the test-only hook at the
 * commit ({@link io.seckill.consumer.batch.BatchFaults}).
 */
package io.seckill.consumer.batch;
