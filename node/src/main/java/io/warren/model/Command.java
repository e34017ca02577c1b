package io.warren.model;

import java.util.List;
import java.util.Objects;

/**
 * Everything that changes the broker, as small immutable values. The front end builds them (with
 * any server-generated names already filled in: {@code amq.gen-...} queues, {@code amq.ctag-...}
 * consumer tags) and submits them to the command log; {@link Broker#apply} applies them in log
 * order. Delivery tags never appear here: they are channel-local and belong to the front end,
 * which settles by queue and message id.
 */
public sealed interface Command {

  // ---- connections and channels ----

  /** A client logged in and opened a virtual host. Refused with 530 when the vhost is unknown. */
  record OpenConnection(long connection, String vhost, String user) implements Command {}

  /** A connection is gone: close its channels, then delete its exclusive queues. */
  record CloseConnection(long connection) implements Command {}

  record OpenChannel(ChannelRef channel) implements Command {}

  /** A channel is gone: its consumers are cancelled and everything it held returns to its queues. */
  record CloseChannel(ChannelRef channel) implements Command {}

  /** basic.qos with global=true: a limit on unacknowledged deliveries shared by the channel's consumers (0 = none). */
  record SetChannelPrefetch(ChannelRef channel, int prefetch) implements Command {}

  /** channel.flow: while inactive, nothing is delivered to the channel's consumers. */
  record SetFlow(ChannelRef channel, boolean active) implements Command {}

  /**
   * Changes nothing; its reply tells the submitter that everything it submitted before has been
   * applied (tx.commit-ok, ordering a direct reply-to confirm among the channel's publishes).
   */
  record Sync(ChannelRef channel) implements Command {}

  // ---- topology ----

  record AddVhost(String vhost) implements Command {}

  /**
   * Deletes a vhost with everything in it, as RabbitMQ does: its queues (with their messages),
   * exchanges and bindings, every permission on it, and its connections (closed with 320).
   */
  record DeleteVhost(String vhost) implements Command {}

  record DeclareExchange(
      ExchangeName name, String type, boolean passive, boolean durable, boolean autoDelete, boolean internal,
      Arguments arguments) implements Command {}

  record DeleteExchange(ExchangeName name, boolean ifUnused) implements Command {}

  /**
   * queue.declare. {@code serverNamed} marks a name the front end generated ({@code amq.gen-...}),
   * which may use the reserved prefix. {@code connection} is the declaring connection, the owner
   * when exclusive.
   */
  record DeclareQueue(
      QueueName name, boolean passive, boolean durable, boolean exclusive, boolean autoDelete, Arguments arguments,
      long connection, boolean serverNamed) implements Command {

    /**
     * The declaration that recreates a queue from a stored record (restart, snapshot). Its name
     * was checked when it was first declared; only an {@code amq.} name (necessarily server-named)
     * is marked so, since other checks (a quorum queue cannot be server-named) hold it too.
     */
    public static DeclareQueue recreating(QueueName name, boolean durable, boolean exclusive, boolean autoDelete,
        Arguments arguments, long connection) {
      return new DeclareQueue(name, false, durable, exclusive, autoDelete, arguments, connection,
          name.name().startsWith("amq."));
    }
  }

  record DeleteQueue(QueueName name, boolean ifUnused, boolean ifEmpty, long connection) implements Command {}

  record PurgeQueue(QueueName name, long connection) implements Command {}

  /**
   * A non-replicated queue of a cluster node went away on its node (its exclusive owner closed,
   * its last consumer left): the other nodes drop their stand-in. Only the queue declared by
   * {@code declarer} goes, so a queue declared again under the same name meanwhile stays.
   */
  record Withdraw(QueueName name, long declarer) implements Command {}

  /** queue.bind (destination a queue) or exchange.bind (destination an exchange). */
  record Bind(ExchangeName source, Resource destination, String routingKey, Arguments arguments, long connection)
      implements Command {}

  record Unbind(ExchangeName source, Resource destination, String routingKey, Arguments arguments, long connection)
      implements Command {}

  // ---- policies ----

  /**
   * Adds or replaces a policy (same vhost and name); the queues it now applies to, or no longer
   * does, take their new settings at once. Sent to the metadata group and every queue partition.
   */
  record SetPolicy(Policy policy) implements Command {
    public SetPolicy {
      Objects.requireNonNull(policy);
    }
  }

  /** Removes a policy (nothing when there is none); the queues it applied to take their new settings. */
  record ClearPolicy(String vhost, String name) implements Command {}

  // ---- messages ----

  /**
   * basic.publish to {@code message.exchange()} in {@code vhost}: routed, then enqueued in every
   * target queue. The reply says whether any queue took it (for mandatory and confirms).
   */
  record Publish(String vhost, Message message) implements Command {}

  /**
   * basic.consume. {@code prefetch} is the per-consumer limit on unacknowledged deliveries (0 =
   * none); {@code credit} is the initial transmission credit the front end grants, in units of
   * {@link Message#creditUnits()} (what it accepts before it grants more with {@link Credit}),
   * which is how a slow socket pushes back on the queue, for no-ack consumers too.
   */
  /**
   * A publish already routed by the node that received it: enqueue {@code message} in each of
   * {@code queues} that exists here. This is a queue partition's share of a publish whose targets
   * are replicated queues; the reply says whether any of them took it.
   */
  record Enqueue(List<QueueName> queues, Message message) implements Command {
    public Enqueue {
      queues = List.copyOf(queues);
      Objects.requireNonNull(message);
    }
  }

  /**
   * A publish's share for non-replicated queues that live on other nodes of the cluster, carried
   * through a queue partition's log to every node: the node that holds each queue enqueues it
   * there ({@link Effect.Relayed}). The log entry is only the transport; no replica keeps state.
   */
  record Relay(List<QueueName> queues, Message message) implements Command {
    public Relay {
      queues = List.copyOf(queues);
      Objects.requireNonNull(message);
    }
  }

  record Consume(
      ChannelRef channel, QueueName queue, String consumerTag, boolean noAck, boolean exclusive, int prefetch,
      int credit, Arguments arguments) implements Command {}

  record Cancel(ChannelRef channel, String consumerTag) implements Command {}

  /** More transmission credit for a consumer: the front end wrote earlier deliveries out. */
  record Credit(ChannelRef channel, String consumerTag, int credit) implements Command {}

  record Get(ChannelRef channel, QueueName queue, boolean noAck) implements Command {}

  /**
   * Settles messages the channel holds from one queue: ack, requeue (back to their original
   * position near the head, redelivered), discard, or return undelivered. Ids the channel does not
   * hold are ignored.
   *
   * @param messageIds not modified by the model; the caller must not modify it after submitting
   */
  record Settle(ChannelRef channel, QueueName queue, Outcome outcome, long[] messageIds) implements Command {
    public Settle {
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(messageIds);
    }
  }

  /**
   * A node restarted. Its connections of earlier runs are gone: every connection of the same node
   * ({@link ConnectionIds#node}) with an id below {@code firstLiveConnection} closes, and what its
   * channels held returns to the queues, marked redelivered.
   *
   * @param dropTransient drop transient (non-persistent) messages, as a single node does on
   *     restart; in a cluster they stay, since the queue outlived the node on its other replicas
   */
  record Restarted(long firstLiveConnection, boolean dropTransient) implements Command {}

  /**
   * The cluster found a node unreachable. Its connections (those with {@link ConnectionIds#node}
   * {@code node}) close as far as the queues are concerned: what their channels held returns to
   * the queues, marked redelivered, for consumers elsewhere. A node that was in fact alive (cut off
   * by a partition, or back already) learns of it by applying this command too, and drops those
   * clients ({@link Effect.ConnectionForced}) so that they reconnect.
   */
  record NodeDown(int node) implements Command {}

  /**
   * Time passes: at the command's time ({@link Meta#timestamp()}) every queue drops, or
   * dead-letters, the messages at its head whose TTL ran out, and deletes itself when it went
   * unused for its {@code x-expires}. Submitted periodically by every node to its own broker, and
   * by a partition's leader to the partition when its replica has something due; applying one more
   * than needed changes nothing.
   */
  record Tick() implements Command {}

  /**
   * A dead-lettered message ({@link Effect.DeadLettered}) on its way through its dead-letter
   * exchange {@code message.exchange()}: routed as a publish, except that a missing exchange drops
   * it silently, an internal exchange takes it, and a queue it would reach round a cycle of
   * automatic dead lettering does not take it (see {@link DeadLetters#isCycle}).
   */
  record DeadLetter(String vhost, Message message) implements Command {
    public DeadLetter {
      Objects.requireNonNull(vhost);
      Objects.requireNonNull(message);
    }
  }

  // ---- users and permissions (kept in AccessControl) ----

  /**
   * A change to users or permissions, applied by {@link AccessControl#apply}. Passwords arrive as
   * hashes ({@link PasswordHash}) made by the node that received them, never in clear.
   */
  sealed interface AccessCommand extends Command {}

  /**
   * Creates a user, or updates one: its tags, and its password unless {@code passwordHash} is null
   * (the empty hash: no password).
   */
  record PutUser(String name, String passwordHash, List<String> tags) implements AccessCommand {
    public PutUser {
      Objects.requireNonNull(name);
      tags = List.copyOf(tags);
    }
  }

  /** Deletes a user with its permissions; its connections are closed with 320. */
  record DeleteUser(String name) implements AccessCommand {}

  /** A user's new password hash (the empty hash: no password). */
  record ChangePassword(String name, String passwordHash) implements AccessCommand {}

  record SetUserTags(String name, List<String> tags) implements AccessCommand {
    public SetUserTags {
      tags = List.copyOf(tags);
    }
  }

  /** A user's configure, write and read regular expressions on a vhost (RabbitMQ's semantics). */
  record SetPermissions(String user, String vhost, String configure, String write, String read)
      implements AccessCommand {}

  record ClearPermissions(String user, String vhost) implements AccessCommand {}

  /** A user's write and read regular expressions for routing keys through a topic exchange. */
  record SetTopicPermissions(String user, String vhost, String exchange, String write, String read)
      implements AccessCommand {}

  /** Clears a user's topic permissions on a vhost: for one exchange, or all when {@code exchange} is null. */
  record ClearTopicPermissions(String user, String vhost, String exchange) implements AccessCommand {}

  /**
   * A node's start: when there are no users at all (a new store), {@code name} is created, an
   * administrator with every permission on the default vhost, as RabbitMQ creates its default user.
   * Otherwise nothing changes, so every node may submit it.
   */
  record AddDefaultUser(String name, String passwordHash) implements AccessCommand {}

  enum Outcome {
    ACK,
    REQUEUE,
    DISCARD,
    /**
     * Back to the original position, as if never handed out: the consumer's node held the
     * message back and the client never saw it (see {@link ConsumerState#window()}), so it is not
     * marked redelivered and its delivery is not counted.
     */
    RETURN
  }
}
