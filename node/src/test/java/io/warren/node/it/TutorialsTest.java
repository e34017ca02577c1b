package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The six RabbitMQ tutorials (getstarted), end to end, each against fresh names. */
class TutorialsTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void helloWorld() throws Exception {
    String queue = broker.queueName();
    Channel sender = broker.channel();
    sender.queueDeclare(queue, false, false, false, null);
    Channel receiver = broker.channel();
    receiver.queueDeclare(queue, false, false, false, null);
    Inbox inbox = Inbox.consume(receiver, queue, true);

    sender.basicPublish("", queue, null, Inbox.bytes("Hello World!"));

    assertThat(inbox.nextBodies(1)).containsExactly("Hello World!");
  }

  @Test
  void workQueuesWithAcksAndFairDispatch() throws Exception {
    String queue = broker.queueName();
    List<String> done = new CopyOnWriteArrayList<>();
    Map<String, List<String>> byWorker = new ConcurrentHashMap<>();
    for (String worker : List.of("w1", "w2")) {
      Channel channel = broker.channel();
      channel.queueDeclare(queue, true, false, false, null);
      channel.basicQos(1);
      channel.basicConsume(queue, false, (tag, delivery) -> {
        String task = Inbox.text(delivery);
        byWorker.computeIfAbsent(worker, w -> new CopyOnWriteArrayList<>()).add(task);
        done.add(task);
        channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
      }, tag -> { });
    }
    Channel producer = broker.channel();
    producer.queueDeclare(queue, true, false, false, null);
    List<String> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tasks.add("task " + i + ".".repeat(i % 4));
    }

    for (String task : tasks) {
      producer.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes(task));
    }

    Waits.await().until(() -> done.size() >= tasks.size());
    assertThat(done).containsExactlyInAnyOrderElementsOf(tasks);
    assertThat(byWorker).containsOnlyKeys("w1", "w2");
    assertThat(producer.messageCount(queue)).isZero();
  }

  @Test
  void publishSubscribe() throws Exception {
    String exchange = broker.exchangeName();
    List<Inbox> subscribers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Channel channel = broker.channel();
      channel.exchangeDeclare(exchange, "fanout");
      String queue = channel.queueDeclare().getQueue(); // server-named, exclusive, auto-delete
      assertThat(queue).startsWith("amq.gen-");
      channel.queueBind(queue, exchange, "");
      subscribers.add(Inbox.consume(channel, queue, true));
    }
    Channel emitter = broker.channel();
    emitter.exchangeDeclare(exchange, "fanout");

    for (int i = 0; i < 3; i++) {
      emitter.basicPublish(exchange, "", null, Inbox.bytes("log " + i));
    }

    for (Inbox subscriber : subscribers) {
      assertThat(subscriber.nextBodies(3)).containsExactly("log 0", "log 1", "log 2");
    }
  }

  @Test
  void routing() throws Exception {
    String exchange = broker.exchangeName();
    Inbox errorsOnly = subscribe(exchange, "direct", "error");
    Inbox everything = subscribe(exchange, "direct", "info", "warning", "error");
    Channel emitter = broker.channel();
    emitter.exchangeDeclare(exchange, "direct");

    for (String severity : List.of("info", "warning", "error", "debug")) {
      emitter.basicPublish(exchange, severity, null, Inbox.bytes(severity + " message"));
    }
    emitter.basicPublish(exchange, "error", null, Inbox.bytes("end"));

    assertThat(errorsOnly.nextBodies(2)).containsExactly("error message", "end");
    assertThat(everything.nextBodies(4)).containsExactly("info message", "warning message", "error message", "end");
  }

  @Test
  void topics() throws Exception {
    String exchange = broker.exchangeName();
    Inbox q1 = subscribe(exchange, "topic", "*.orange.*");
    Inbox q2 = subscribe(exchange, "topic", "*.*.rabbit", "lazy.#");
    Channel emitter = broker.channel();
    emitter.exchangeDeclare(exchange, "topic");

    for (String key : List.of("quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox", "lazy.brown.fox",
        "lazy.pink.rabbit", "quick.brown.fox", "orange", "quick.orange.new.rabbit", "lazy.orange.new.rabbit")) {
      emitter.basicPublish(exchange, key, null, Inbox.bytes(key));
    }
    emitter.basicPublish(exchange, "end.orange.rabbit", null, Inbox.bytes("end"));

    assertThat(q1.nextBodies(4))
        .containsExactly("quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox", "end");
    assertThat(q2.nextBodies(6)).containsExactly("quick.orange.rabbit", "lazy.orange.elephant", "lazy.brown.fox",
        "lazy.pink.rabbit", "lazy.orange.new.rabbit", "end");
  }

  @Test
  void rpcWithReplyToAndCorrelationId() throws Exception {
    String rpcQueue = broker.queueName();
    startFibonacciServer(rpcQueue);
    Channel client = broker.channel();
    String callbackQueue = client.queueDeclare().getQueue();
    Inbox replies = Inbox.consume(client, callbackQueue, true);

    Map<String, Integer> requests = new HashMap<>();
    for (int n = 0; n <= 10; n++) {
      String correlationId = UUID.randomUUID().toString();
      requests.put(correlationId, n);
      client.basicPublish("", rpcQueue,
          new AMQP.BasicProperties.Builder().correlationId(correlationId).replyTo(callbackQueue).build(),
          Inbox.bytes(Integer.toString(n)));
    }

    assertAnswers(replies, requests);
  }

  @Test
  void rpcWithDirectReplyTo() throws Exception {
    String rpcQueue = broker.queueName();
    startFibonacciServer(rpcQueue);
    Channel client = broker.channel();
    // the pseudo-queue: consume with no-ack first, then publish with it as reply_to
    Inbox replies = Inbox.consume(client, "amq.rabbitmq.reply-to", true);

    Map<String, Integer> requests = new HashMap<>();
    for (int n = 5; n <= 7; n++) {
      String correlationId = UUID.randomUUID().toString();
      requests.put(correlationId, n);
      client.basicPublish("", rpcQueue,
          new AMQP.BasicProperties.Builder().correlationId(correlationId).replyTo("amq.rabbitmq.reply-to").build(),
          Inbox.bytes(Integer.toString(n)));
    }

    assertAnswers(replies, requests);
  }

  private static void assertAnswers(Inbox replies, Map<String, Integer> requests) throws InterruptedException {
    Map<String, Integer> answers = new HashMap<>();
    for (Delivery reply : replies.next(requests.size())) {
      answers.put(reply.getProperties().getCorrelationId(), Integer.parseInt(Inbox.text(reply)));
    }
    Map<String, Integer> expected = new HashMap<>();
    requests.forEach((id, n) -> expected.put(id, fibonacci(n)));
    assertThat(answers).isEqualTo(expected);
  }

  private static void startFibonacciServer(String queue) throws Exception {
    Channel server = broker.channel();
    server.queueDeclare(queue, false, false, false, null);
    server.queuePurge(queue);
    server.basicQos(1);
    server.basicConsume(queue, false, (tag, request) -> {
      int n = Integer.parseInt(new String(request.getBody(), StandardCharsets.UTF_8));
      AMQP.BasicProperties replyProperties = new AMQP.BasicProperties.Builder()
          .correlationId(request.getProperties().getCorrelationId()).build();
      server.basicPublish("", request.getProperties().getReplyTo(), replyProperties,
          Inbox.bytes(Integer.toString(fibonacci(n))));
      server.basicAck(request.getEnvelope().getDeliveryTag(), false);
    }, tag -> { });
  }

  private static int fibonacci(int n) {
    return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
  }

  /** A consumer on a server-named queue bound to the exchange with each key. */
  private static Inbox subscribe(String exchange, String type, String... keys) throws Exception {
    Channel channel = broker.channel();
    channel.exchangeDeclare(exchange, type);
    String queue = channel.queueDeclare().getQueue();
    for (String key : keys) {
      channel.queueBind(queue, exchange, key);
    }
    return Inbox.consume(channel, queue, true);
  }
}
