package io.warren.model;

/**
 * The state changes apply makes, reported as they happen, so that a replica can write the durable
 * ones into the same atomic batch as the command that made them (and rebuild from them after a
 * restart). The model reports every change; the listener decides what is durable. Calls come on
 * the applying thread, inside {@link Broker#apply}.
 */
public interface Changes {
  Changes NONE = new Changes() {};

  default void vhostAdded(String vhost) {}

  /** The vhost is gone; what was in it was reported removed first. */
  default void vhostRemoved(String vhost) {}

  /** A user was created or changed (password, tags). */
  default void userSet(AccessControl.User user) {}

  /** A user was deleted; its permissions were reported cleared first. */
  default void userRemoved(String user) {}

  default void permissionSet(AccessControl.Permission permission) {}

  default void permissionCleared(AccessControl.Permission permission) {}

  default void topicPermissionSet(AccessControl.TopicPermission permission) {}

  default void topicPermissionCleared(AccessControl.TopicPermission permission) {}

  default void exchangeAdded(Exchange exchange) {}

  default void exchangeRemoved(Exchange exchange) {}

  default void queueAdded(QueueState queue) {}

  /** The queue is gone with everything in it; no per-message removals are reported. */
  default void queueRemoved(QueueState queue) {}

  default void bindingAdded(Binding binding) {}

  /** A policy was added or replaced. */
  default void policySet(Policy policy) {}

  /** A policy was removed. */
  default void policyCleared(String vhost, String name) {}

  default void bindingRemoved(Binding binding) {}

  /** {@code message} entered {@code queue} with id {@code id}. */
  default void messageAdded(QueueState queue, long id, Message message) {}

  /**
   * The message left the queue for good: acknowledged, discarded, purged, delivered without ack,
   * expired, dropped at a length limit or a delivery limit (dead-lettered or not).
   */
  default void messageRemoved(QueueState queue, long id, Message message) {}

  /**
   * The message just added ({@link #messageAdded}) expires at {@code expiresAt} (ms since the
   * epoch) if it is still ready then: its TTL, or the queue's.
   */
  default void messageExpires(QueueState queue, long id, Message message, long expiresAt) {}

  /**
   * The message came back to the queue (requeued, or its channel closed) for the {@code count}th
   * time. Reported only by queues that count deliveries ({@link QueueSettings#countsDeliveries}).
   */
  default void deliveryCounted(QueueState queue, long id, Message message, int count) {}

  /** The message was handed to a consumer or basic.get (so it counts as redelivered if it comes back). */
  default void messageDelivered(QueueState queue, long id) {}
}
