package io.warren.model;

import io.warren.protocol.ReplyCode;
import static io.warren.model.ModelDriver.body;
import static io.warren.model.ModelDriver.q;
import static io.warren.model.ModelDriver.x;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.model.Command.Bind;
import io.warren.model.Command.Cancel;
import io.warren.model.Command.CloseChannel;
import io.warren.model.Command.CloseConnection;
import io.warren.model.Command.Consume;
import io.warren.model.Command.Credit;
import io.warren.model.Command.DeclareExchange;
import io.warren.model.Command.DeclareQueue;
import io.warren.model.Command.DeleteExchange;
import io.warren.model.Command.DeleteQueue;
import io.warren.model.Command.Get;
import io.warren.model.Command.OpenConnection;
import io.warren.model.Command.Outcome;
import io.warren.model.Command.PurgeQueue;
import io.warren.model.Command.Restarted;
import io.warren.model.Command.SetChannelPrefetch;
import io.warren.model.Command.SetFlow;
import io.warren.model.Command.Settle;
import io.warren.model.Command.Unbind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BrokerTest {
  private static final ChannelRef CH1 = new ChannelRef(1, 1);
  private static final ChannelRef CH2 = new ChannelRef(2, 1);

  private ModelDriver d;

  @BeforeEach
  void setUp() {
    d = new ModelDriver();
    d.ok(new OpenConnection(1, "/", "guest"));
    d.ok(new OpenConnection(2, "/", "guest"));
  }

  private Consume consume(ChannelRef ch, String queue, String tag, boolean noAck, int prefetch) {
    return new Consume(ch, q(queue), tag, noAck, false, prefetch, 1000, Arguments.EMPTY);
  }

  @Test
  void unknownVhostIsRefusedOnOpen() {
    Reply.Failure f = d.fail(new OpenConnection(3, "nope", "guest"));
    assertThat(f.code()).isEqualTo(ReplyCode.NOT_ALLOWED);
    assertThat(f.text()).isEqualTo("vhost nope not found");
  }

  @Test
  void defaultExchangeRoutesByQueueName() {
    d.ok(d.declareQueue("q"));
    assertThat(d.reply(d.publish("", "q", "a"))).isEqualTo(Reply.ROUTED);
    assertThat(d.reply(d.publish("", "other", "b"))).isEqualTo(Reply.UNROUTED);
    assertThat(d.broker.queue(q("q")).orElseThrow().readyCount()).isEqualTo(1);
  }

  @Test
  void declareReportsCountsAndPassiveFindsOrFails() {
    d.ok(d.declareQueue("q"));
    d.ok(d.publish("", "q", "a"));
    d.ok(d.publish("", "q", "b"));
    Reply r = d.reply(new DeclareQueue(q("q"), true, false, false, false, Arguments.EMPTY, 2, false));
    assertThat(r).isEqualTo(new Reply.QueueDeclared("q", 2, 0));
    Reply.Failure f = d.fail(new DeclareQueue(q("missing"), true, false, false, false, Arguments.EMPTY, 2, false));
    assertThat(f.code()).isEqualTo(ReplyCode.NOT_FOUND);
    assertThat(f.text()).isEqualTo("no queue 'missing' in vhost '/'");
  }

  @Test
  void redeclareWithDifferentFlagsIsInequivalent() {
    d.ok(d.declareQueue("q"));
    Reply.Failure f = d.fail(new DeclareQueue(q("q"), false, true, false, false, Arguments.EMPTY, 1, false));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo(
        "inequivalent arg 'durable' for queue 'q' in vhost '/': received 'true' but current is 'false'");

    d.ok(new DeclareExchange(x("x"), "direct", false, false, false, false, Arguments.EMPTY));
    f = d.fail(new DeclareExchange(x("x"), "direct", false, true, false, false, Arguments.EMPTY));
    assertThat(f.text()).isEqualTo(
        "inequivalent arg 'durable' for exchange 'x' in vhost '/': received 'true' but current is 'false'");
    f = d.fail(new DeclareExchange(x("x"), "fanout", false, false, false, false, Arguments.EMPTY));
    assertThat(f.text()).isEqualTo(
        "inequivalent arg 'type' for exchange 'x' in vhost '/': received 'fanout' but current is 'direct'");
  }

  @Test
  void queueArgumentsAreCompared() {
    d.ok(new DeclareQueue(q("q"), false, false, false, false, Arguments.of("x-message-ttl", 1000), 1, false));
    d.ok(new DeclareQueue(q("q"), false, false, false, false, Arguments.of("x-message-ttl", 1000L), 1, false));
    Reply.Failure f = d.fail(d.declareQueue("q"));
    assertThat(f.text()).isEqualTo("inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received none "
        + "but current is the value '1000' of type 'signedint'");
  }

  @Test
  void reservedNamesAndTheDefaultExchangeAreRefused() {
    assertThat(d.fail(new DeclareExchange(x("amq.foo"), "direct", false, false, false, false, Arguments.EMPTY))
        .text()).isEqualTo("exchange name 'amq.foo' contains reserved prefix 'amq.*'");
    d.ok(new DeclareExchange(x("amq.direct"), "direct", false, true, false, false, Arguments.EMPTY));
    assertThat(d.fail(new DeleteExchange(x("amq.direct"), false)).text())
        .isEqualTo("deletion of system exchange 'amq.direct' in vhost '/' not allowed");
    Reply.Failure f = d.fail(new DeleteExchange(x(""), false));
    assertThat(f.code()).isEqualTo(ReplyCode.ACCESS_REFUSED);
    assertThat(f.text()).isEqualTo("operation not permitted on the default exchange");
    d.ok(d.declareQueue("q"));
    assertThat(d.fail(new Bind(x(""), q("q"), "q", Arguments.EMPTY, 1)).code()).isEqualTo(ReplyCode.ACCESS_REFUSED);
    assertThat(d.fail(new Unbind(x(""), q("q"), "q", Arguments.EMPTY, 1)).code())
        .isEqualTo(ReplyCode.ACCESS_REFUSED);
    assertThat(d.fail(new DeclareQueue(q("amq.q"), false, false, false, false, Arguments.EMPTY, 1, false)).text())
        .isEqualTo("queue name 'amq.q' contains reserved prefix 'amq.*'");
    d.ok(new DeclareQueue(q("amq.gen-abc"), false, false, true, false, Arguments.EMPTY, 1, true));
  }

  @Test
  void unknownExchangeTypeIsAConnectionError() {
    Reply.Failure f = d.fail(new DeclareExchange(x("x"), "nope", false, false, false, false, Arguments.EMPTY));
    assertThat(f.code()).isEqualTo(ReplyCode.COMMAND_INVALID);
    assertThat(f.code().isConnectionError()).isTrue();
    assertThat(f.text()).isEqualTo("unknown exchange type 'nope'");
  }

  @Test
  void publishToMissingOrInternalExchangeFails() {
    assertThat(d.fail(d.publish("nope", "k", "a")).text()).isEqualTo("no exchange 'nope' in vhost '/'");
    d.ok(new DeclareExchange(x("i"), "fanout", false, false, false, true, Arguments.EMPTY));
    assertThat(d.fail(d.publish("i", "k", "a")).text()).isEqualTo("cannot publish to internal exchange 'i' in vhost '/'");
  }

  @Test
  void roundRobinAcrossConsumers() {
    d.ok(d.declareQueue("q"));
    d.ok(consume(CH1, "q", "a", false, 0));
    d.ok(consume(CH2, "q", "b", false, 0));
    for (int i = 0; i < 4; i++) {
      d.ok(d.publish("", "q", "m" + i));
    }
    List<Effect.Deliver> ds = d.takeDeliveries();
    assertThat(ds).extracting(Effect.Deliver::consumerTag).containsExactly("a", "b", "a", "b");
    assertThat(ds).extracting(ModelDriver::body).containsExactly("m0", "m1", "m2", "m3");
  }

  @Test
  void prefetchLimitsAndAckReleases() {
    d.ok(d.declareQueue("q"));
    d.ok(consume(CH1, "q", "a", false, 2));
    for (int i = 0; i < 5; i++) {
      d.ok(d.publish("", "q", "m" + i));
    }
    List<Effect.Deliver> ds = d.takeDeliveries();
    assertThat(ds).hasSize(2);
    d.ok(new Settle(CH1, q("q"), Outcome.ACK, new long[] {ds.get(0).messageId(), ds.get(1).messageId()}));
    assertThat(d.takeDeliveries()).extracting(ModelDriver::body).containsExactly("m2", "m3");
    QueueState qs = d.broker.queue(q("q")).orElseThrow();
    assertThat(qs.readyCount()).isEqualTo(1);
    assertThat(qs.unackedCount()).isEqualTo(2);
  }

  @Test
  void aLargePrefetchGetsALookaheadThatCountsAsReadyAndReturnsUnmarked() {
    d.ok(d.declareQueue("q"));
    d.ok(consume(CH1, "q", "a", false, 100));
    for (int i = 0; i < 250; i++) {
      d.ok(d.publish("", "q", "m" + i));
    }
    List<Effect.Deliver> ds = d.takeDeliveries();
    assertThat(ds).hasSize(200);
    QueueState qs = d.broker.queue(q("q")).orElseThrow();
    assertThat(qs.readyCount()).isEqualTo(50);
    assertThat(qs.visibleReadyCount()).isEqualTo(150);
    assertThat(qs.visibleUnackedCount()).isEqualTo(100);

    d.ok(new Cancel(CH1, "a"));
    long[] heldBack = ds.subList(100, 200).stream().mapToLong(Effect.Deliver::messageId).toArray();
    d.ok(new Settle(CH1, q("q"), Outcome.RETURN, heldBack));
    d.ok(consume(CH2, "q", "b", true, 0));
    List<Effect.Deliver> rest = d.takeDeliveries();
    assertThat(rest).extracting(ModelDriver::body).startsWith("m100").endsWith("m249").hasSize(150);
    assertThat(rest).noneMatch(Effect.Deliver::redelivered);
  }

  @Test
  void smallPrefetchesAndChannelLimitsGetNoLookahead() {
    d.ok(d.declareQueue("q"));
    d.ok(consume(CH1, "q", "a", false, 99));
    d.ok(new SetChannelPrefetch(CH2, 500));
    d.ok(consume(CH2, "q", "b", false, 150));
    for (int i = 0; i < 400; i++) {
      d.ok(d.publish("", "q", "m" + i));
    }
    List<Effect.Deliver> ds = d.takeDeliveries();
    assertThat(ds.stream().filter(x -> x.consumerTag().equals("a"))).hasSize(99);
    assertThat(ds.stream().filter(x -> x.consumerTag().equals("b"))).hasSize(150);
  }

  @Test
  void channelGlobalPrefetchIsSharedAcrossQueues() {
    d.ok(d.declareQueue("q1"));
    d.ok(d.declareQueue("q2"));
    d.ok(new SetChannelPrefetch(CH1, 1));
    d.ok(consume(CH1, "q1", "a", false, 0));
    d.ok(consume(CH1, "q2", "b", false, 0));
    d.ok(d.publish("", "q1", "x"));
    d.ok(d.publish("", "q2", "y"));
    List<Effect.Deliver> first = d.takeDeliveries();
    assertThat(first).extracting(ModelDriver::body).containsExactly("x");
    d.ok(new Settle(CH1, q("q1"), Outcome.ACK, new long[] {first.get(0).messageId()}));
    assertThat(d.takeDeliveries()).extracting(ModelDriver::body).containsExactly("y");
  }

  @Test
  void requeueGoesBackToOriginalPositionRedelivered() {
    d.ok(d.declareQueue("q"));
    for (int i = 0; i < 4; i++) {
      d.ok(d.publish("", "q", "m" + i));
    }
    Reply.GetOk g0 = (Reply.GetOk) d.reply(new Get(CH1, q("q"), false));
    Reply.GetOk g1 = (Reply.GetOk) d.reply(new Get(CH1, q("q"), false));
    assertThat(g1.messageCount()).isEqualTo(2);
    d.ok(new Settle(CH1, q("q"), Outcome.REQUEUE, new long[] {g1.messageId()}));
    d.ok(new Settle(CH1, q("q"), Outcome.REQUEUE, new long[] {g0.messageId()}));
    d.ok(consume(CH2, "q", "c", false, 0));
    List<Effect.Deliver> ds = d.takeDeliveries();
    assertThat(ds).extracting(ModelDriver::body).containsExactly("m0", "m1", "m2", "m3");
    assertThat(ds).extracting(Effect.Deliver::redelivered).containsExactly(true, true, false, false);
  }

  @Test
  void getEmptyAndDiscard() {
    d.ok(d.declareQueue("q"));
    assertThat(d.reply(new Get(CH1, q("q"), false))).isEqualTo(Reply.GET_EMPTY);
    d.ok(d.publish("", "q", "m"));
    Reply.GetOk g = (Reply.GetOk) d.reply(new Get(CH1, q("q"), false));
    d.ok(new Settle(CH1, q("q"), Outcome.DISCARD, new long[] {g.messageId()}));
    QueueState qs = d.broker.queue(q("q")).orElseThrow();
    assertThat(qs.readyCount() + qs.unackedCount()).isZero();
  }

  @Test
  void closingAChannelReturnsWhatItHeldToOtherConsumers() {
    d.ok(d.declareQueue("q"));
    d.ok(consume(CH1, "q", "a", false, 0));
    d.ok(d.publish("", "q", "m0"));
    d.ok(d.publish("", "q", "m1"));
    assertThat(d.takeDeliveries()).hasSize(2);
    d.ok(consume(CH2, "q", "b", false, 0));
    d.ok(new CloseChannel(CH1));
    List<Effect.Deliver> ds = d.takeDeliveries();
    assertThat(ds).extracting(Effect.Deliver::consumerTag).containsOnly("b");
    assertThat(ds).extracting(ModelDriver::body).containsExactly("m0", "m1");
    assertThat(ds).allMatch(Effect.Deliver::redelivered);
  }

  @Test
  void cancelledConsumerKeepsItsUnackedUntilSettled() {
    d.ok(d.declareQueue("q"));
    d.ok(consume(CH1, "q", "a", false, 0));
    d.ok(d.publish("", "q", "m0"));
    Effect.Deliver del = d.takeDeliveries().get(0);
    d.ok(new Cancel(CH1, "a"));
    assertThat(d.broker.queue(q("q")).orElseThrow().unackedCount()).isEqualTo(1);
    d.ok(new Settle(CH1, q("q"), Outcome.ACK, new long[] {del.messageId()}));
    assertThat(d.broker.queue(q("q")).orElseThrow().unackedCount()).isZero();
  }

  @Test
  void noAckConsumerIsBoundByTransmissionCredit() {
    d.ok(d.declareQueue("q"));
    d.ok(new Consume(CH1, q("q"), "a", true, false, 0, 2, Arguments.EMPTY));
    for (int i = 0; i < 5; i++) {
      d.ok(d.publish("", "q", "m" + i));
    }
    assertThat(d.takeDeliveries()).hasSize(2);
    d.ok(new Credit(CH1, "a", 10));
    assertThat(d.takeDeliveries()).extracting(ModelDriver::body).containsExactly("m2", "m3", "m4");
    assertThat(d.broker.queue(q("q")).orElseThrow().unackedCount()).isZero();
  }

  @Test
  void flowStopsAndResumesDelivery() {
    d.ok(d.declareQueue("q"));
    d.ok(consume(CH1, "q", "a", false, 0));
    d.ok(new SetFlow(CH1, false));
    d.ok(d.publish("", "q", "m0"));
    assertThat(d.takeDeliveries()).isEmpty();
    d.ok(new SetFlow(CH1, true));
    assertThat(d.takeDeliveries()).hasSize(1);
  }

  @Test
  void exclusiveQueueIsLockedToItsConnectionAndGoesWithIt() {
    d.ok(new DeclareQueue(q("ex"), false, false, true, false, Arguments.EMPTY, 1, false));
    Reply.Failure f = d.fail(consume(CH2, "ex", "b", false, 0));
    assertThat(f.code()).isEqualTo(ReplyCode.RESOURCE_LOCKED);
    assertThat(f.text()).startsWith("cannot obtain exclusive access to locked queue 'ex' in vhost '/'");
    assertThat(d.fail(new DeclareQueue(q("ex"), true, false, false, false, Arguments.EMPTY, 2, false)).code())
        .isEqualTo(ReplyCode.RESOURCE_LOCKED);
    assertThat(d.fail(new PurgeQueue(q("ex"), 2)).code()).isEqualTo(ReplyCode.RESOURCE_LOCKED);
    assertThat(d.reply(d.publish("", "ex", "from anyone"))).isEqualTo(Reply.ROUTED);
    d.ok(new CloseConnection(1));
    assertThat(d.broker.queue(q("ex"))).isEmpty();
  }

  @Test
  void exclusiveConsumer() {
    d.ok(d.declareQueue("q"));
    d.ok(new Consume(CH1, q("q"), "a", false, true, 0, 10, Arguments.EMPTY));
    Reply.Failure f = d.fail(consume(CH2, "q", "b", false, 0));
    assertThat(f.code()).isEqualTo(ReplyCode.ACCESS_REFUSED);
    assertThat(f.text()).isEqualTo("queue 'q' in vhost '/' in exclusive use");
  }

  @Test
  void reusedConsumerTagIsAConnectionError() {
    d.ok(d.declareQueue("q"));
    d.ok(consume(CH1, "q", "a", false, 0));
    Reply.Failure f = d.fail(consume(CH1, "q", "a", false, 0));
    assertThat(f.code()).isEqualTo(ReplyCode.NOT_ALLOWED);
    assertThat(f.text()).isEqualTo("attempt to reuse consumer tag 'a'");
  }

  @Test
  void autoDeleteQueueGoesWhenLastConsumerCancels() {
    d.ok(new DeclareQueue(q("ad"), false, false, false, true, Arguments.EMPTY, 1, false));
    d.ok(consume(CH1, "ad", "a", false, 0));
    d.ok(consume(CH1, "ad", "b", false, 0));
    assertThat(d.ok(new Cancel(CH1, "a")).effects()).isEmpty();
    assertThat(d.broker.queue(q("ad"))).isPresent();
    // A queue partition reports it, for the submitting node to delete it from the metadata too.
    assertThat(d.ok(new Cancel(CH1, "b")).effects()).containsExactly(new Effect.QueueAutoDeleted(q("ad")));
    assertThat(d.broker.queue(q("ad"))).isEmpty();
  }

  @Test
  void autoDeleteQueueGoesWhenTheChannelOfItsLastConsumerCloses() {
    d.ok(new DeclareQueue(q("ad"), false, true, false, true, Arguments.EMPTY, 1, false));
    d.ok(consume(CH1, "ad", "a", false, 0));
    assertThat(d.ok(new CloseChannel(CH1)).effects()).contains(new Effect.QueueAutoDeleted(q("ad")));
    assertThat(d.broker.queue(q("ad"))).isEmpty();
  }

  @Test
  void aRestartedNodeKeepsItsAutoDeleteQueuesWhoseConsumersWentWithIt() {
    d.ok(new DeclareQueue(q("ad"), false, true, false, true, Arguments.EMPTY, 1, false));
    d.ok(consume(CH1, "ad", "a", false, 0));
    d.ok(new Restarted(CH1.connection() + 1, true));
    assertThat(d.broker.queue(q("ad"))).isPresent();
  }

  @Test
  void deletingAQueueCancelsItsConsumersAndReportsCount() {
    d.ok(d.declareQueue("q"));
    d.ok(d.publish("", "q", "m0"));
    d.ok(new SetFlow(CH1, false));
    d.ok(consume(CH1, "q", "a", false, 0));
    assertThat(d.fail(new DeleteQueue(q("q"), true, false, 1)).text()).isEqualTo("queue 'q' in vhost '/' in use");
    assertThat(d.fail(new DeleteQueue(q("q"), false, true, 1)).text()).isEqualTo("queue 'q' in vhost '/' not empty");
    assertThat(d.reply(new DeleteQueue(q("q"), false, false, 1))).isEqualTo(new Reply.MessageCount(1));
    assertThat(d.effects).containsExactly(new Effect.ConsumerCancelled(CH1, "a", q("q")));
    assertThat(d.reply(new DeleteQueue(q("q"), false, false, 1))).isEqualTo(new Reply.MessageCount(0));
  }

  @Test
  void purgeDropsReadyOnly() {
    d.ok(d.declareQueue("q"));
    d.ok(d.publish("", "q", "m0"));
    d.ok(d.publish("", "q", "m1"));
    d.ok(new Get(CH1, q("q"), false));
    assertThat(d.reply(new PurgeQueue(q("q"), 1))).isEqualTo(new Reply.MessageCount(1));
    assertThat(d.broker.queue(q("q")).orElseThrow().unackedCount()).isEqualTo(1);
    assertThat(d.fail(new PurgeQueue(q("nope"), 1)).code()).isEqualTo(ReplyCode.NOT_FOUND);
  }

  @Test
  void exchangeToExchangeBindingsAndCyclesAndDedupe() {
    d.ok(new DeclareExchange(x("a"), "fanout", false, false, false, false, Arguments.EMPTY));
    d.ok(new DeclareExchange(x("b"), "fanout", false, false, false, false, Arguments.EMPTY));
    d.ok(d.declareQueue("q"));
    d.ok(new Bind(x("a"), x("b"), "", Arguments.EMPTY, 1));
    d.ok(new Bind(x("b"), x("a"), "", Arguments.EMPTY, 1));
    d.ok(new Bind(x("a"), q("q"), "", Arguments.EMPTY, 1));
    d.ok(new Bind(x("b"), q("q"), "", Arguments.EMPTY, 1));
    assertThat(d.reply(d.publish("a", "k", "m"))).isEqualTo(Reply.ROUTED);
    assertThat(d.broker.queue(q("q")).orElseThrow().readyCount()).isEqualTo(1);
  }

  @Test
  void alternateExchangeTakesUnroutable() {
    d.ok(new DeclareExchange(x("ae"), "fanout", false, false, false, false, Arguments.EMPTY));
    d.ok(new DeclareExchange(x("main"), "direct", false, false, false, false,
        Arguments.of("alternate-exchange", "ae")));
    d.ok(d.declareQueue("lost"));
    d.ok(d.declareQueue("q"));
    d.ok(new Bind(x("ae"), q("lost"), "", Arguments.EMPTY, 1));
    d.ok(new Bind(x("main"), q("q"), "k", Arguments.EMPTY, 1));
    d.ok(d.publish("main", "k", "m1"));
    d.ok(d.publish("main", "other", "m2"));
    assertThat(d.broker.queue(q("q")).orElseThrow().readyCount()).isEqualTo(1);
    assertThat(d.broker.queue(q("lost")).orElseThrow().readyCount()).isEqualTo(1);
  }

  @Test
  void autoDeleteExchangeGoesWithItsLastBinding() {
    d.ok(new DeclareExchange(x("ad"), "fanout", false, false, true, false, Arguments.EMPTY));
    d.ok(d.declareQueue("q"));
    d.ok(new Bind(x("ad"), q("q"), "", Arguments.EMPTY, 1));
    d.ok(new DeleteQueue(q("q"), false, false, 1));
    assertThat(d.broker.exchange(x("ad"))).isEmpty();
  }

  @Test
  void exchangeDeleteIfUnusedAndBindingsGoWithIt() {
    d.ok(new DeclareExchange(x("e"), "topic", false, false, false, false, Arguments.EMPTY));
    d.ok(d.declareQueue("q"));
    d.ok(new Bind(x("e"), q("q"), "a.#", Arguments.EMPTY, 1));
    assertThat(d.fail(new DeleteExchange(x("e"), true)).text()).isEqualTo("exchange 'e' in vhost '/' in use");
    d.ok(new DeleteExchange(x("e"), false));
    assertThat(d.broker.bindingsTo(q("q"))).isEmpty();
    d.ok(new DeleteExchange(x("e"), false)); // idempotent
  }

  @Test
  void bindToMissingThingsIsNotFound() {
    d.ok(d.declareQueue("q"));
    assertThat(d.fail(new Bind(x("nope"), q("q"), "", Arguments.EMPTY, 1)).text())
        .isEqualTo("no exchange 'nope' in vhost '/'");
    assertThat(d.fail(new Bind(x("amq.direct"), q("nope"), "", Arguments.EMPTY, 1)).text())
        .isEqualTo("no queue 'nope' in vhost '/'");
  }

  @Test
  void headersExchangeRouting() {
    d.ok(d.declareQueue("all"));
    d.ok(d.declareQueue("any"));
    d.ok(new Bind(x("amq.headers"), q("all"), "", Arguments.of(Map.of("x-match", "all", "a", 1, "b", "x")), 1));
    d.ok(new Bind(x("amq.headers"), q("any"), "", Arguments.of(Map.of("x-match", "any", "a", 1, "b", "x")), 1));
    d.ok(new Command.Publish("/",
        ModelDriver.message("amq.headers", "", "m", Arguments.of(Map.of("a", 1L, "b", "x")))));
    d.ok(new Command.Publish("/", ModelDriver.message("amq.headers", "", "m", Arguments.of(Map.of("a", 1)))));
    assertThat(d.broker.queue(q("all")).orElseThrow().readyCount()).isEqualTo(1);
    assertThat(d.broker.queue(q("any")).orElseThrow().readyCount()).isEqualTo(2);
    assertThat(d.fail(new Bind(x("amq.headers"), q("all"), "", Arguments.of("x-match", "some"), 1)).code())
        .isEqualTo(ReplyCode.PRECONDITION_FAILED);
  }

  @Test
  void settleOfUnknownIdsIsIgnored() {
    d.ok(d.declareQueue("q"));
    d.ok(new Settle(CH1, q("q"), Outcome.ACK, new long[] {42}));
    d.ok(new Settle(CH1, q("gone"), Outcome.ACK, new long[] {42}));
  }

  @Test
  void refusedCommandsLeaveNoEffects() {
    d.ok(d.declareQueue("q"));
    Result r = d.apply(consume(CH2, "missing", "x", false, 0));
    assertThat(r.effects()).isEmpty();
    assertThat(r.reply()).isInstanceOf(Reply.Failure.class);
  }
}
