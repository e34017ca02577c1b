package io.warren.model;

import static io.warren.model.ModelDriver.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.model.Command.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random publish / consume / get / settle / cancel / close / credit / qos sequences on one queue,
 * checked step by step against a simple reference: nothing lost or duplicated, a redelivery is
 * always flagged, first deliveries come in publish order, prefetch and credit are never exceeded,
 * and a ready message never waits while some consumer could take it.
 */
class QueueModelPropertiesTest {
  private static final QueueName Q = q("q");
  private static final int CHANNELS = 3;

  private enum State { READY, HELD, GONE }

  /** What the reference knows of one message. */
  private static final class Msg {
    State state = State.READY;
    boolean everDelivered;
    ChannelRef holder;
    String consumer;
  }

  private static final class Cons {
    final String tag;
    final ChannelRef channel;
    final boolean noAck;
    final int prefetch;
    int credit;

    Cons(String tag, ChannelRef channel, boolean noAck, int prefetch, int credit) {
      this.tag = tag;
      this.channel = channel;
      this.noAck = noAck;
      this.prefetch = prefetch;
      this.credit = credit;
    }
  }

  private final class Run {
    final ModelDriver d = new ModelDriver();
    final Map<Long, Msg> messages = new LinkedHashMap<>();
    final Map<String, Cons> consumers = new LinkedHashMap<>();
    final Map<ChannelRef, Integer> channelPrefetch = new HashMap<>();
    final Map<String, Long> idByBody = new HashMap<>();
    int published;
    int nextTag;
    long lastFirstDelivery = -1;

    void step(int v) {
      int op = v % 11;
      int arg = v / 11;
      ChannelRef ch = new ChannelRef(1, 1 + arg % CHANNELS);
      switch (op) {
        case 0, 1 -> publish();
        case 2 -> consume(ch, arg);
        case 3 -> pickConsumer(arg, c -> {
          d.ok(new Command.Cancel(c.channel, c.tag));
          consumers.remove(c.tag);
        });
        case 4 -> settleOne(arg, Outcome.ACK);
        case 5 -> settleOne(arg, Outcome.REQUEUE);
        case 6 -> settleOne(arg, Outcome.DISCARD);
        case 7 -> settleMany(ch, arg % 2 == 0 ? Outcome.ACK : Outcome.REQUEUE);
        case 8 -> get(ch, arg % 2 == 0);
        case 9 -> pickConsumer(arg, c -> {
          c.credit += 1 + arg % 3;
          d.ok(new Command.Credit(c.channel, c.tag, 1 + arg % 3));
        });
        default -> {
          if (arg % 3 == 0) {
            closeChannel(ch);
          } else {
            int limit = arg % 4;
            channelPrefetch.put(ch, limit);
            d.ok(new Command.SetChannelPrefetch(ch, limit));
          }
        }
      }
      absorbDeliveries();
      checkInvariants();
    }

    void publish() {
      String body = "m" + published++;
      d.ok(d.publish("", "q", body));
      // The id is learned from the first delivery or get; keep the message keyed by body until then.
      messages.put(-(long) published, new Msg());
      idByBody.put(body, -(long) published);
    }

    void consume(ChannelRef ch, int arg) {
      boolean noAck = arg % 4 == 0;
      int prefetch = (arg / 4) % 4;
      int credit = 1 + (arg / 16) % 5;
      String tag = "c" + nextTag++;
      d.ok(new Command.Consume(ch, Q, tag, noAck, false, prefetch, credit, Arguments.EMPTY));
      consumers.put(tag, new Cons(tag, ch, noAck, prefetch, credit));
    }

    void pickConsumer(int arg, java.util.function.Consumer<Cons> action) {
      if (!consumers.isEmpty()) {
        action.accept(new ArrayList<>(consumers.values()).get(arg % consumers.size()));
      }
    }

    List<Map.Entry<Long, Msg>> held() {
      List<Map.Entry<Long, Msg>> out = new ArrayList<>();
      messages.entrySet().stream().filter(e -> e.getValue().state == State.HELD).forEach(out::add);
      return out;
    }

    void settleOne(int arg, Outcome outcome) {
      List<Map.Entry<Long, Msg>> held = held();
      if (held.isEmpty()) {
        return;
      }
      Map.Entry<Long, Msg> e = held.get(arg % held.size());
      d.ok(new Command.Settle(e.getValue().holder, Q, outcome, new long[] {e.getKey()}));
      settled(e.getValue(), outcome);
    }

    void settleMany(ChannelRef ch, Outcome outcome) {
      List<Long> ids = new ArrayList<>();
      for (Map.Entry<Long, Msg> e : held()) {
        if (e.getValue().holder.equals(ch)) {
          ids.add(e.getKey());
          settled(e.getValue(), outcome);
        }
      }
      d.ok(new Command.Settle(ch, Q, outcome, ids.stream().mapToLong(Long::longValue).toArray()));
    }

    void settled(Msg m, Outcome outcome) {
      m.state = outcome == Outcome.REQUEUE ? State.READY : State.GONE;
      m.holder = null;
      m.consumer = null;
    }

    void get(ChannelRef ch, boolean noAck) {
      Reply r = d.reply(new Command.Get(ch, Q, noAck));
      if (r instanceof Reply.GetOk g) {
        Msg m = received(g.message(), g.messageId(), g.redelivered());
        if (noAck) {
          m.state = State.GONE;
        } else {
          m.state = State.HELD;
          m.holder = ch;
        }
      } else {
        assertThat(count(State.READY)).as("get-empty with ready messages").isZero();
      }
    }

    void closeChannel(ChannelRef ch) {
      // Reference: consumers go, held messages become ready, before the model redelivers them.
      consumers.values().removeIf(c -> c.channel.equals(ch));
      for (Msg m : messages.values()) {
        if (m.state == State.HELD && m.holder.equals(ch)) {
          settled(m, Outcome.REQUEUE);
        }
      }
      channelPrefetch.remove(ch);
      d.ok(new Command.CloseChannel(ch));
    }

    /** Records a message handed out, checking it was ready and its redelivered flag. */
    Msg received(Message message, long id, boolean redelivered) {
      String body = new String(message.body().bytes());
      Long key = idByBody.get(body);
      assertThat(key).as("delivered a message never published").isNotNull();
      Msg m = messages.get(key);
      if (key < 0) {
        messages.remove(key);
        messages.put(id, m);
        idByBody.put(body, id);
        long seq = -key;
        assertThat(seq).as("first deliveries in publish order").isGreaterThan(lastFirstDelivery);
        lastFirstDelivery = seq;
      }
      assertThat(m.state).as("duplicate delivery of %s", body).isEqualTo(State.READY);
      assertThat(redelivered).as("redelivered flag of %s", body).isEqualTo(m.everDelivered);
      m.everDelivered = true;
      return m;
    }

    void absorbDeliveries() {
      for (Effect.Deliver del : d.takeDeliveries()) {
        Cons c = consumers.get(del.consumerTag());
        assertThat(c).as("delivery to unknown consumer %s", del.consumerTag()).isNotNull();
        assertThat(del.noAck()).isEqualTo(c.noAck);
        Msg m = received(del.message(), del.messageId(), del.redelivered());
        c.credit--;
        assertThat(c.credit).as("credit of %s", c.tag).isGreaterThanOrEqualTo(0);
        if (c.noAck) {
          m.state = State.GONE;
        } else {
          m.state = State.HELD;
          m.holder = c.channel;
          m.consumer = c.tag;
          if (c.prefetch > 0) {
            assertThat(heldBy(c.tag)).as("prefetch of %s", c.tag).isLessThanOrEqualTo(c.prefetch);
          }
          int limit = channelPrefetch.getOrDefault(c.channel, 0);
          if (limit > 0) {
            // A lowered limit may leave more held than it allows, but never grows past it.
            assertThat(heldByConsumersOf(c.channel) - 1).isLessThan(limit);
          }
        }
      }
      d.effects.clear();
    }

    long heldBy(String tag) {
      return messages.values().stream().filter(m -> m.state == State.HELD && tag.equals(m.consumer)).count();
    }

    long heldByConsumersOf(ChannelRef ch) {
      return messages.values().stream()
          .filter(m -> m.state == State.HELD && m.consumer != null && ch.equals(m.holder)).count();
    }

    long count(State s) {
      return messages.values().stream().filter(m -> m.state == s).count();
    }

    boolean canTake(Cons c) {
      if (c.credit <= 0) {
        return false;
      }
      if (c.noAck) {
        return true;
      }
      int limit = channelPrefetch.getOrDefault(c.channel, 0);
      return (c.prefetch == 0 || heldBy(c.tag) < c.prefetch)
          && (limit == 0 || heldByConsumersOf(c.channel) < limit);
    }

    void checkInvariants() {
      QueueState qs = d.broker.queue(Q).orElseThrow();
      assertThat(qs.readyCount()).as("ready").isEqualTo(count(State.READY));
      assertThat(qs.unackedCount()).as("unacked").isEqualTo(count(State.HELD));
      assertThat(qs.consumerCount()).isEqualTo(consumers.size());
      List<Long> ready = qs.readyIds();
      assertThat(ready).as("ready in original order").isSorted();
      if (!ready.isEmpty()) {
        for (Cons c : consumers.values()) {
          assertThat(canTake(c)).as("%s could take a ready message", c.tag).isFalse();
        }
      }
    }
  }

  @Property(tries = 300)
  void randomSequencesKeepTheInvariants(
      @ForAll @Size(max = 150) List<@IntRange(min = 0, max = 100_000) Integer> steps) {
    Run run = new Run();
    run.d.ok(run.d.declareQueue("q"));
    for (int v : steps) {
      run.step(v);
    }
    // Closing every channel returns everything still held.
    for (int c = 1; c <= CHANNELS; c++) {
      run.closeChannel(new ChannelRef(1, c));
      run.absorbDeliveries();
    }
    assertThat(run.count(State.HELD)).isZero();
    assertThat(run.d.broker.queue(Q).orElseThrow().readyCount()).isEqualTo(run.count(State.READY));
    assertThat(run.messages).hasSize(run.published);
    // Determinism: the same log applied to a fresh broker gives the same replies and effects.
    assertThat(ModelDriver.replay(run.d.log)).isEqualTo(run.d.results);
  }
}
