package io.warren.node.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import io.warren.node.WarrenNode;
import io.warren.node.config.WarrenConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Direct reply-to (amq.rabbitmq.reply-to) through the real client: an RPC round trip with no reply queue. */
class DirectReplyToTest {
  private static WarrenNode node;
  private static Connection connection;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("warren-drt-");
    node = new WarrenNode(WarrenConfig.defaults().with(WarrenConfig.AMQP_BIND, "127.0.0.1").with(WarrenConfig.RAFT_PORT, 0)
        .with(WarrenConfig.AMQP_PORT, 0).with(WarrenConfig.METRICS_PORT, 0).with(WarrenConfig.MANAGEMENT_PORT, 0)
        .with(WarrenConfig.DATA_DIR, dir));
    node.start();
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(node.amqpAddress().getPort());
    connection = f.newConnection();
  }

  @AfterAll
  static void stop() throws Exception {
    connection.close();
    node.close();
  }

  @Test
  void rpcRoundTripThroughThePseudoQueue() throws Exception {
    Channel server = connection.createChannel();
    server.queueDeclare("rpc", false, false, true, null);
    server.basicConsume("rpc", true, (tag, request) -> {
      String replyTo = request.getProperties().getReplyTo();
      server.basicPublish("", replyTo, new AMQP.BasicProperties.Builder()
          .correlationId(request.getProperties().getCorrelationId()).build(),
          ("re: " + new String(request.getBody(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }, tag -> { });

    Channel client = connection.createChannel();
    BlockingQueue<String> replies = new ArrayBlockingQueue<>(1);
    DeliverCallback onReply = (tag, reply) -> replies.add(reply.getProperties().getCorrelationId() + " "
        + new String(reply.getBody(), StandardCharsets.UTF_8));
    client.basicConsume("amq.rabbitmq.reply-to", true, onReply, tag -> { });
    client.basicPublish("", "rpc", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to")
        .correlationId("42").build(), "ping".getBytes(StandardCharsets.UTF_8));

    assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo("42 re: ping");
  }

  @Test
  void publishingWithTheReplyToAddressNeedsAReplyConsumer() throws Exception {
    Channel client = connection.createChannel();
    client.basicPublish("", "nowhere", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").build(),
        new byte[0]);
    assertThatThrownBy(() -> client.queueDeclare("after", false, false, true, null))
        .hasStackTraceContaining("PRECONDITION_FAILED - fast reply consumer does not exist");
  }
}
