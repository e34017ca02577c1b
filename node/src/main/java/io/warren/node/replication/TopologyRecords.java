package io.warren.node.replication;

import io.warren.model.AccessControl;
import io.warren.model.Binding;
import io.warren.model.Broker;
import io.warren.model.Changes;
import io.warren.model.Command;
import io.warren.model.Exchange;
import io.warren.model.ExchangeName;
import io.warren.model.Policy;
import io.warren.model.QueueName;
import io.warren.model.QueueState;
import io.warren.model.Resource;
import io.warren.storage.Keys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The topology of a node's broker as store records of the metadata group (family {@value
 * #FAMILY}): it listens to the broker's changes and turns those to recorded things into writes.
 * On a single node those are the durable ones: vhosts, durable exchanges (the predeclared ones are
 * recreated with their vhost), replicated queues, and bindings between durable ends. In a cluster
 * every node must route to every queue, so all topology is recorded, non-replicated queues (with
 * the connection that declared them, whose node holds their messages) included; they leave the
 * records when their node restarts or is declared down. A record's value is the command that
 * recreates it; keys start with a kind byte that sorts vhosts, exchanges, queues, then bindings, so
 * replaying the records in key order rebuilds the topology. Users, permissions and topic
 * permissions follow (always recorded, single node or not), as the commands that set them; a user's
 * record holds its password hash, never the password. Policies (all durable) come last: replaying
 * one gives the queues it matches their settings.
 */
public final class TopologyRecords implements Changes {
  public static final String FAMILY = "topology";
  private static final byte VHOST = 1;
  private static final byte EXCHANGE = 2;
  private static final byte QUEUE = 3;
  private static final byte BINDING = 4;
  // Users and permissions, always recorded (after the vhosts, so a permission's vhost comes first).
  private static final byte USER = 10;
  private static final byte PERMISSION = 11;
  private static final byte TOPIC_PERMISSION = 12;
  private static final byte POLICY = 0x40;

  /** One change to the metadata store: a put, or a delete when {@code value} is null. */
  public record Write(byte[] key, byte[] value) {}

  private final Broker broker;
  private final boolean clustered;
  private final List<Write> writes = new ArrayList<>();
  private final List<Command.Withdraw> withdrawals = new ArrayList<>();

  /** @param clustered record all topology, not only the durable part (see above) */
  public TopologyRecords(Broker broker, boolean clustered) {
    this.broker = broker;
    this.clustered = clustered;
  }

  /**
   * The non-replicated queues held here that were removed since the last call, as the commands
   * that remove their stand-ins on the other nodes.
   */
  public List<Command.Withdraw> takeWithdrawals() {
    List<Command.Withdraw> out = List.copyOf(withdrawals);
    withdrawals.clear();
    return out;
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
  public void vhostRemoved(String vhost) {
    writes.add(new Write(key(VHOST, vhost), null));
  }

  @Override
  public void userSet(AccessControl.User u) {
    writes.add(new Write(key(USER, u.name()),
        CommandCodec.encode(new Command.PutUser(u.name(), u.passwordHash(), u.tags()))));
  }

  @Override
  public void userRemoved(String user) {
    writes.add(new Write(key(USER, user), null));
  }

  @Override
  public void permissionSet(AccessControl.Permission p) {
    writes.add(new Write(permissionKey(p), CommandCodec.encode(new Command.SetPermissions(p.user(), p.vhost(),
        p.configure().source(), p.write().source(), p.read().source()))));
  }

  @Override
  public void permissionCleared(AccessControl.Permission p) {
    writes.add(new Write(permissionKey(p), null));
  }

  @Override
  public void topicPermissionSet(AccessControl.TopicPermission t) {
    writes.add(new Write(topicPermissionKey(t), CommandCodec.encode(new Command.SetTopicPermissions(t.user(),
        t.vhost(), t.exchange(), t.write().source(), t.read().source()))));
  }

  @Override
  public void topicPermissionCleared(AccessControl.TopicPermission t) {
    writes.add(new Write(topicPermissionKey(t), null));
  }

  private static byte[] permissionKey(AccessControl.Permission p) {
    return Keys.concat(new byte[] {PERMISSION}, CommandCodec.encode(new Command.ClearPermissions(p.user(), p.vhost())));
  }

  private static byte[] topicPermissionKey(AccessControl.TopicPermission t) {
    return Keys.concat(new byte[] {TOPIC_PERMISSION},
        CommandCodec.encode(new Command.ClearTopicPermissions(t.user(), t.vhost(), t.exchange())));
  }

  @Override
  public void exchangeAdded(Exchange x) {
    if (recorded(x)) {
      writes.add(new Write(key(EXCHANGE, x.name()), CommandCodec.encode(new Command.DeclareExchange(x.name(),
          x.type().wireName(), false, true, x.autoDelete(), x.internal(), x.arguments()))));
    }
  }

  @Override
  public void exchangeRemoved(Exchange x) {
    if (recorded(x)) {
      writes.add(new Write(key(EXCHANGE, x.name()), null));
    }
  }

  @Override
  public void queueAdded(QueueState q) {
    if (q.replicated()) {
      writes.add(new Write(key(QUEUE, q.name()), CommandCodec.encode(Command.DeclareQueue.recreating(q.name(),
          q.durable(), false, q.autoDelete(), q.arguments(), 0))));
    } else if (clustered) {
      writes.add(new Write(key(QUEUE, q.name()), CommandCodec.encode(Command.DeclareQueue.recreating(q.name(),
          q.durable(), q.exclusive(), q.autoDelete(), q.arguments(), q.declarer()))));
    }
  }

  @Override
  public void queueRemoved(QueueState q) {
    if (q.replicated() || clustered) {
      writes.add(new Write(key(QUEUE, q.name()), null));
    }
    if (clustered && q.holdsMessages()) {
      withdrawals.add(new Command.Withdraw(q.name(), q.declarer()));
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

  @Override
  public void policySet(Policy p) {
    writes.add(new Write(policyKey(p.vhost(), p.name()), CommandCodec.encode(new Command.SetPolicy(p))));
  }

  @Override
  public void policyCleared(String vhost, String name) {
    writes.add(new Write(policyKey(vhost, name), null));
  }

  private static byte[] policyKey(String vhost, String name) {
    return Keys.concat(new byte[] {POLICY}, PartitionLayout.queueKey(new QueueName(vhost, name)));
  }

  private boolean durable(Binding b) {
    boolean source = broker.exchange(b.source()).map(this::recorded).orElse(false);
    Resource d = b.destination();
    boolean destination = d instanceof QueueName q
        ? broker.queue(q).map(queue -> clustered || queue.replicated()).orElse(false)
        : broker.exchange((ExchangeName) d).map(this::recorded).orElse(false);
    return source && destination;
  }

  private boolean recorded(Exchange x) {
    return clustered || x.durable();
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
