package io.warren.node.replication;

import io.warren.model.Binding;
import io.warren.model.Broker;
import io.warren.model.Changes;
import io.warren.model.Command;
import io.warren.model.Exchange;
import io.warren.model.ExchangeName;
import io.warren.model.QueueName;
import io.warren.model.QueueState;
import io.warren.model.Resource;
import io.warren.storage.Keys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable topology of a node's broker as store records of the metadata group (family {@value
 * #FAMILY}): it listens to the broker's changes and turns those to durable things into writes.
 * Durable are vhosts, durable exchanges (the predeclared ones are recreated with their vhost),
 * replicated queues, and bindings between durable ends. A record's value is the command that
 * recreates it; keys start with a kind byte that sorts vhosts, exchanges, queues, then bindings, so
 * replaying the records in key order rebuilds the topology.
 */
public final class TopologyRecords implements Changes {
  public static final String FAMILY = "topology";
  private static final byte VHOST = 1;
  private static final byte EXCHANGE = 2;
  private static final byte QUEUE = 3;
  private static final byte BINDING = 4;

  /** One change to the metadata store: a put, or a delete when {@code value} is null. */
  public record Write(byte[] key, byte[] value) {}

  private final Broker broker;
  private final List<Write> writes = new ArrayList<>();

  public TopologyRecords(Broker broker) {
    this.broker = broker;
  }

  /** The writes reported since the last call. */
  public List<Write> take() {
    List<Write> out = List.copyOf(writes);
    writes.clear();
    return out;
  }

  /** Whether any write is waiting to be taken. */
  public boolean hasWrites() {
    return !writes.isEmpty();
  }

  @Override
  public void vhostAdded(String vhost) {
    writes.add(new Write(key(VHOST, vhost), CommandCodec.encode(new Command.AddVhost(vhost))));
  }

  @Override
  public void exchangeAdded(Exchange x) {
    if (x.durable()) {
      writes.add(new Write(key(EXCHANGE, x.name()), CommandCodec.encode(new Command.DeclareExchange(x.name(),
          x.type().wireName(), false, true, x.autoDelete(), x.internal(), x.arguments()))));
    }
  }

  @Override
  public void exchangeRemoved(Exchange x) {
    if (x.durable()) {
      writes.add(new Write(key(EXCHANGE, x.name()), null));
    }
  }

  @Override
  public void queueAdded(QueueState q) {
    if (q.replicated()) {
      writes.add(new Write(key(QUEUE, q.name()), CommandCodec.encode(new Command.DeclareQueue(q.name(), false, true,
          false, false, q.arguments(), 0, true))));
    }
  }

  @Override
  public void queueRemoved(QueueState q) {
    if (q.replicated()) {
      writes.add(new Write(key(QUEUE, q.name()), null));
    }
  }

  @Override
  public void bindingAdded(Binding b) {
    if (durable(b)) {
      writes.add(new Write(bindingKey(b), CommandCodec.encode(bind(b))));
    }
  }

  @Override
  public void bindingRemoved(Binding b) {
    // The ends may be gone already, so whether it was durable cannot be told: delete regardless.
    writes.add(new Write(bindingKey(b), null));
  }

  private boolean durable(Binding b) {
    boolean source = broker.exchange(b.source()).map(Exchange::durable).orElse(false);
    Resource d = b.destination();
    boolean destination = d instanceof QueueName q
        ? broker.queue(q).map(QueueState::replicated).orElse(false)
        : broker.exchange((ExchangeName) d).map(Exchange::durable).orElse(false);
    return source && destination;
  }

  private static Command.Bind bind(Binding b) {
    return new Command.Bind(b.source(), b.destination(), b.routingKey(), b.arguments(), 0);
  }

  private static byte[] bindingKey(Binding b) {
    return Keys.concat(new byte[] {BINDING}, CommandCodec.encode(bind(b)));
  }

  private static byte[] key(byte kind, String vhost) {
    return Keys.concat(new byte[] {kind}, vhost.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] key(byte kind, Resource r) {
    return Keys.concat(new byte[] {kind}, PartitionLayout.queueKey(new QueueName(r.vhost(), r.name())));
  }
}
