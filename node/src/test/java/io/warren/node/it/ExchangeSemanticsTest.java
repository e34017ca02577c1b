package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Declaring, checking and deleting exchanges, and the rules around reserved ones. */
class ExchangeSemanticsTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
  void eachTypeCanBeDeclaredAndFoundPassively(String type) throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();

    channel.exchangeDeclare(exchange, type);
    channel.exchangeDeclare(exchange, type); // equivalent redeclare is a no-op

    assertThat(channel.exchangeDeclarePassive(exchange)).isNotNull();
  }

  @Test
  void passiveDeclareOfMissingExchangeIs404() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();

    assertThat(Closure.of(() -> channel.exchangeDeclarePassive(exchange)))
        .isEqualTo(Closure.channel(404, "NOT_FOUND - no exchange '" + exchange + "' in vhost '/'"));
  }

  @Test
  void redeclareWithAnotherTypeIs406() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "direct");

    assertThat(Closure.of(() -> channel.exchangeDeclare(exchange, "fanout"))).isEqualTo(Closure.channel(406,
        "PRECONDITION_FAILED - inequivalent arg 'type' for exchange '" + exchange
            + "' in vhost '/': received 'fanout' but current is 'direct'"));
  }

  @Test
  void redeclareWithOtherDurabilityIs406() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "direct", false);

    assertThat(Closure.of(() -> channel.exchangeDeclare(exchange, "direct", true))).isEqualTo(Closure.channel(406,
        "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange '" + exchange
            + "' in vhost '/': received 'true' but current is 'false'"));
  }

  @Test
  void declaringANewAmqPrefixedExchangeIs403() throws Exception {
    Channel channel = broker.channel();
    String exchange = "amq." + broker.exchangeName();

    assertThat(Closure.of(() -> channel.exchangeDeclare(exchange, "direct"))).isEqualTo(Closure.channel(403,
        "ACCESS_REFUSED - exchange name '" + exchange + "' contains reserved prefix 'amq.*'"));
  }

  @Test
  void builtInExchangesExistAndMayBeRedeclaredEquivalently() throws Exception {
    Channel channel = broker.channel();

    for (String builtIn : new String[] {"amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match"}) {
      assertThat(channel.exchangeDeclarePassive(builtIn)).as(builtIn).isNotNull();
    }
    assertThat(channel.exchangeDeclare("amq.direct", "direct", true)).isNotNull();
  }

  @Test
  void declaringTheDefaultExchangeIs403() throws Exception {
    Channel channel = broker.channel();

    assertThat(Closure.of(() -> channel.exchangeDeclare("", "direct", true)))
        .isEqualTo(Closure.channel(403, "ACCESS_REFUSED - operation not permitted on the default exchange"));
  }

  @Test
  void deletedExchangeIsGone() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "fanout");

    channel.exchangeDelete(exchange);

    assertThat(Closure.of(() -> channel.exchangeDeclarePassive(exchange)).code()).isEqualTo(404);
  }

  @Test
  void deletingAMissingExchangeSucceeds() throws Exception {
    Channel channel = broker.channel();

    assertThat(channel.exchangeDelete(broker.exchangeName())).isNotNull();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void deleteIfUnusedOfAnExchangeWithBindingsIs406() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    String queue = broker.queueName();
    channel.exchangeDeclare(exchange, "direct");
    channel.queueDeclare(queue, false, false, false, null);
    channel.queueBind(queue, exchange, "k");

    assertThat(Closure.of(() -> channel.exchangeDelete(exchange, true)))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - exchange '" + exchange + "' in vhost '/' in use"));
  }

  @Test
  void deleteIfUnusedOfAnExchangeWithoutBindingsSucceeds() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "direct");

    channel.exchangeDelete(exchange, true);

    assertThat(Closure.of(() -> channel.exchangeDeclarePassive(exchange)).code()).isEqualTo(404);
  }

  @Test
  void deletingAnExchangeRemovesItsBindings() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    String queue = broker.queueName();
    channel.exchangeDeclare(exchange, "fanout");
    channel.queueDeclare(queue, false, false, false, null);
    channel.queueBind(queue, exchange, "");
    channel.exchangeDelete(exchange);

    channel.exchangeDeclare(exchange, "fanout");
    channel.basicPublish(exchange, "", null, Inbox.bytes("after re-create"));
    channel.basicPublish("", queue, null, Inbox.bytes("direct"));

    assertThat(Inbox.consume(channel, queue, true).nextBodies(1)).as("the old binding went with the exchange")
        .containsExactly("direct");
  }

  @Test
  void bindingToTheDefaultExchangeIs403() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();

    assertThat(Closure.of(() -> channel.queueBind(queue, "", "anything")))
        .isEqualTo(Closure.channel(403, "ACCESS_REFUSED - operation not permitted on the default exchange"));
  }

  @Test
  void deletingTheDefaultExchangeIs403() throws Exception {
    Channel channel = broker.channel();

    assertThat(Closure.of(() -> channel.exchangeDelete("")))
        .isEqualTo(Closure.channel(403, "ACCESS_REFUSED - operation not permitted on the default exchange"));
  }

  @Test
  void publishingToAnInternalExchangeIs403() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "fanout", false, false, true, null);

    channel.basicPublish(exchange, "", null, Inbox.bytes("nope"));

    assertThat(Closure.awaitClose(channel)).isEqualTo(Closure.channel(403,
        "ACCESS_REFUSED - cannot publish to internal exchange '" + exchange + "' in vhost '/'"));
  }

  @Test
  void internalExchangeStillRoutesWhatAnotherExchangeForwardsToIt() throws Exception {
    Channel channel = broker.channel();
    String front = broker.exchangeName();
    String internal = broker.exchangeName();
    String queue = broker.queueName();
    channel.exchangeDeclare(front, "fanout");
    channel.exchangeDeclare(internal, "fanout", false, false, true, null);
    channel.queueDeclare(queue, false, false, false, null);
    channel.exchangeBind(internal, front, "");
    channel.queueBind(queue, internal, "");

    channel.basicPublish(front, "", null, Inbox.bytes("via front"));

    assertThat(Inbox.text(Inbox.consume(channel, queue, true).next())).isEqualTo("via front");
  }

  @Test
  void exchangeToExchangeBindingRoutesUntilUnbound() throws Exception {
    Channel channel = broker.channel();
    String source = broker.exchangeName();
    String destination = broker.exchangeName();
    String queue = broker.queueName();
    channel.exchangeDeclare(source, "direct");
    channel.exchangeDeclare(destination, "fanout");
    channel.queueDeclare(queue, false, false, false, null);
    channel.queueBind(queue, destination, "");
    channel.exchangeBind(destination, source, "orders");

    channel.basicPublish(source, "orders", null, Inbox.bytes("bound"));
    channel.basicPublish(source, "other", null, Inbox.bytes("wrong key"));
    channel.exchangeUnbind(destination, source, "orders");
    channel.basicPublish(source, "orders", null, Inbox.bytes("unbound"));
    channel.basicPublish("", queue, null, Inbox.bytes("marker"));

    assertThat(Inbox.consume(channel, queue, true).nextBodies(2)).containsExactly("bound", "marker");
  }

  @Test
  void exchangeToExchangeBindingWithMissingSourceIs404() throws Exception {
    Channel channel = broker.channel();
    String source = broker.exchangeName();
    String destination = broker.exchangeName();
    channel.exchangeDeclare(destination, "fanout");

    assertThat(Closure.of(() -> channel.exchangeBind(destination, source, "")))
        .isEqualTo(Closure.channel(404, "NOT_FOUND - no exchange '" + source + "' in vhost '/'"));
  }

  @Test
  void alternateExchangeReceivesUnroutableMessages() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    String alternate = broker.exchangeName();
    String routed = broker.queueName();
    String unroutable = broker.queueName();
    channel.exchangeDeclare(alternate, "fanout");
    channel.exchangeDeclare(exchange, "direct", false, false, Map.of("alternate-exchange", alternate));
    channel.queueDeclare(routed, false, false, false, null);
    channel.queueDeclare(unroutable, false, false, false, null);
    channel.queueBind(routed, exchange, "known");
    channel.queueBind(unroutable, alternate, "");
    BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
    channel.addReturnListener(returns::add);

    channel.basicPublish(exchange, "known", true, null, Inbox.bytes("routed"));
    channel.basicPublish(exchange, "unknown", true, null, Inbox.bytes("to the alternate"));

    assertThat(Inbox.text(Inbox.consume(channel, routed, true).next())).isEqualTo("routed");
    Waits.await().until(() -> channel.messageCount(unroutable) == 1);
    GetResponse viaAlternate = channel.basicGet(unroutable, true);
    assertThat(Inbox.text(viaAlternate)).isEqualTo("to the alternate");
    // routed by the alternate exchange, yet still under the original exchange and key
    assertThat(viaAlternate.getEnvelope().getExchange()).isEqualTo(exchange);
    assertThat(viaAlternate.getEnvelope().getRoutingKey()).isEqualTo("unknown");
    assertThat(returns).as("mandatory is satisfied by the alternate exchange").isEmpty();
  }
}
