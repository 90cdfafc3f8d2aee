/**
 * The Kafka side: one {@link io.seckill.consumer.poll.OrderPollLoop} per thread, each with its own KafkaConsumer,
 * the {@link io.seckill.consumer.poll.PolledBatch} it holds, the offsets it owes ({@code OffsetCommitter}), and the
 * dead-letter producer the loops share ({@link io.seckill.consumer.poll.DeadLetterPublisher}). It hands each batch
 * to the {@code batch} package and reads its shared pieces from the module's configuration.
 */
package io.seckill.consumer.poll;
