/**
 * The Kafka side: one {@link io.seckill.consumer.poll.OrderPollLoop} per thread, each with its own KafkaConsumer,
 * the {@link io.seckill.consumer.poll.PolledBatch} it holds, the offsets it owes ({@code OffsetCommitter}), its wait
 * for a refusing dependency ({@code PausingRetry}), and the dead-letter producer the loops share
 * ({@link io.seckill.consumer.poll.DeadLetterPublisher}). A loop gets what it shares with the others as the root's
 * {@link io.seckill.consumer.ConsumerComponents} and hands each batch to the {@code batch} package.
 */
package io.seckill.consumer.poll;
