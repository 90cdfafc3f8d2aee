package io.seckill.consumer;

import io.seckill.consumer.batch.BatchFaults;
import io.seckill.consumer.batch.ConsumerMeters;
import io.seckill.consumer.batch.OrderBatchWriter;
import io.seckill.consumer.batch.RedisOrderStatusWriter;
import io.seckill.consumer.poll.DeadLetterPublisher;
import io.seckill.consumer.poll.OrderPollLoop;

/**
 * The thread-safe pieces every {@link OrderPollLoop} shares, built once by {@link Main} (as the gateway's verticles
 * share their GatewayComponents).
 *
 * @param faults {@link BatchFaults#NONE} in production; tests inject their crash here
 */
public record ConsumerComponents(OrderConsumerConfig config, OrderBatchWriter writer, DeadLetterPublisher deadLetters,
                                 RedisOrderStatusWriter redisStatus, ConsumerMeters meters, BatchFaults faults) {
}
