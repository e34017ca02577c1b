package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.warren.node.config.WarrenConfig;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where Warren's defaults differ from RabbitMQ's on purpose. Skipped against an external broker.
 */
class WarrenDefaultsTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void defaultMaxMessageSizeIs16MiB() throws Exception {
    broker.requireEmbedded("Warren's default max message size is 16 MiB; RabbitMQ 3.10's is 128 MiB");
    long limit = WarrenConfig.MAX_MESSAGE_SIZE.defaultValue();
    assertThat(limit).isEqualTo(16L * 1024 * 1024);
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();

    channel.basicPublish("", queue, null, new byte[(int) limit]);
    assertThat(Inbox.consume(channel, queue, true).next().getBody()).hasSize((int) limit);
    channel.basicPublish("", queue, null, new byte[(int) limit + 1]);

    assertThat(Closure.awaitClose(channel)).isEqualTo(Closure.channel(406,
        "PRECONDITION_FAILED - message size " + (limit + 1) + " is larger than configured max size " + limit));
  }
}
