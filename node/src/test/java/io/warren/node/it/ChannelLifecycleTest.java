package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Command;
import com.rabbitmq.client.Connection;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Channels open and close independently; a channel error ends one channel, a connection error all. */
class ChannelLifecycleTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void channelsOpenAndCloseWithoutAffectingTheConnection() throws Exception {
    Connection connection = broker.connect();
    Channel first = connection.createChannel();
    Channel second = connection.createChannel();

    first.close();

    assertThat(first.isOpen()).isFalse();
    assertThat(second.isOpen()).isTrue();
    assertThat(connection.isOpen()).isTrue();
    assertThat(second.queueDeclare().getQueue()).startsWith("amq.gen-");
  }

  @Test
  void aClosedChannelNumberCanBeOpenedAgain() throws Exception {
    Connection connection = broker.connect();
    Channel channel = connection.createChannel(7);
    channel.close();

    Channel again = connection.createChannel(7);

    assertThat(again.getChannelNumber()).isEqualTo(7);
    assertThat(again.queueDeclare().getQueue()).startsWith("amq.gen-");
  }

  @Test
  void channelFlowActiveIsAcknowledged() throws Exception {
    Channel channel = broker.channel();

    Command reply = channel.rpc(new AMQP.Channel.Flow.Builder().active(true).build());

    assertThat(reply.getMethod()).isInstanceOf(AMQP.Channel.FlowOk.class);
    assertThat(((AMQP.Channel.FlowOk) reply.getMethod()).getActive()).isTrue();
  }

  @Test
  void channelFlowInactiveIsNotImplemented() throws Exception {
    Channel channel = broker.channel();

    // RabbitMQ refuses to stop sending on a client's request: 540 is a connection error
    assertThat(Closure.of(() -> channel.rpc(new AMQP.Channel.Flow.Builder().active(false).build())))
        .isEqualTo(Closure.connection(540, "NOT_IMPLEMENTED - active=false"));
  }

  @Test
  void usingAClosedChannelFailsInTheClient() throws Exception {
    Channel channel = broker.channel();
    channel.close();

    assertThatThrownBy(() -> channel.queueDeclare()).isInstanceOf(AlreadyClosedException.class);
  }

  @Test
  void channelErrorClosesOnlyThatChannel() throws Exception {
    Connection connection = broker.connect();
    Channel failing = connection.createChannel();
    Channel bystander = connection.createChannel();
    String queue = broker.queueName();
    bystander.queueDeclare(queue, false, false, false, null);

    Closure closure = Closure.of(() -> failing.queueDeclarePassive("missing-" + queue));

    assertThat(closure.scope()).isEqualTo(Closure.Scope.CHANNEL);
    assertThat(closure.code()).isEqualTo(404);
    assertThat(failing.isOpen()).isFalse();
    assertThat(connection.isOpen()).isTrue();
    bystander.basicPublish("", queue, null, Inbox.bytes("still here"));
    assertThat(Inbox.text(Inbox.consume(bystander, queue, true).next())).isEqualTo("still here");
    assertThat(connection.createChannel().queueDeclarePassive(queue).getQueue()).isEqualTo(queue);
  }

  @Test
  void connectionErrorClosesTheConnectionAndAllItsChannels() throws Exception {
    Connection connection = broker.connect();
    Channel failing = connection.createChannel();
    Channel bystander = connection.createChannel();

    Closure closure = Closure.of(() -> failing.exchangeDeclare(broker.exchangeName(), "no-such-type"));

    assertThat(closure).isEqualTo(Closure.connection(503, "COMMAND_INVALID - unknown exchange type 'no-such-type'"));
    assertThat(Closure.awaitClose(connection)).isEqualTo(closure);
    // The client shuts a connection's channels down on its own thread after the connection closes.
    Waits.await().until(() -> !bystander.isOpen());
  }
}
