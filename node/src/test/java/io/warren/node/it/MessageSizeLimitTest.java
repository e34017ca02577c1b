package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.node.config.WarrenConfig;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A body larger than the configured maximum closes the publishing channel with 406 and nothing
 * else. Needs a broker configured with a small limit: embedded Warren is configured here; an
 * external RabbitMQ needs {@code max_message_size} set and
 * {@code -Dwarren.it.amqp.max-message-size=<the same value>}.
 */
class MessageSizeLimitTest {
  private static final long LIMIT = 1024 * 1024;

  @RegisterExtension
  static final Broker broker = Broker.configured(config -> config.with(WarrenConfig.MAX_MESSAGE_SIZE, LIMIT));

  @Test
  void bodyAtTheLimitIsAccepted() throws Exception {
    long limit = broker.requireSetting(WarrenConfig.MAX_MESSAGE_SIZE);
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();

    channel.basicPublish("", queue, null, new byte[(int) limit]);

    assertThat(Inbox.consume(channel, queue, true).next().getBody()).hasSize((int) limit);
  }

  @Test
  void bodyAboveTheLimitClosesOnlyThePublishingChannel() throws Exception {
    long limit = broker.requireSetting(WarrenConfig.MAX_MESSAGE_SIZE);
    Connection connection = broker.connect();
    Channel publisher = connection.createChannel();
    Channel bystander = connection.createChannel();
    String queue = bystander.queueDeclare().getQueue();

    publisher.basicPublish("", queue, null, new byte[(int) limit + 1]);

    assertThat(Closure.awaitClose(publisher)).isEqualTo(Closure.channel(406,
        "PRECONDITION_FAILED - message size " + (limit + 1) + " is larger than configured max size " + limit));
    assertThat(connection.isOpen()).isTrue();
    bystander.basicPublish("", queue, null, Inbox.bytes("small"));
    assertThat(Inbox.consume(bystander, queue, true).nextBodies(1)).as("the oversized one was not enqueued")
        .containsExactly("small");
  }
}
