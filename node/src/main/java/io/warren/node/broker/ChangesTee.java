package io.warren.node.broker;

import io.warren.model.AccessControl;
import io.warren.model.Binding;
import io.warren.model.Changes;
import io.warren.model.Exchange;
import io.warren.model.Message;
import io.warren.model.Policy;
import io.warren.model.QueueState;

/**
 * Reports every change to two listeners, first then second: the node's broker has one listener
 * slot, which its topology records and its per-queue counters share. Must forward every method of
 * {@link Changes} ({@code ChangesTeeTest} checks that a new one is not forgotten).
 */
final class ChangesTee implements Changes {
  private final Changes first;
  private final Changes second;

  ChangesTee(Changes first, Changes second) {
    this.first = first;
    this.second = second;
  }

  @Override
  public void vhostAdded(String vhost) {
    first.vhostAdded(vhost);
    second.vhostAdded(vhost);
  }

  @Override
  public void vhostRemoved(String vhost) {
    first.vhostRemoved(vhost);
    second.vhostRemoved(vhost);
  }

  @Override
  public void userSet(AccessControl.User user) {
    first.userSet(user);
    second.userSet(user);
  }

  @Override
  public void userRemoved(String user) {
    first.userRemoved(user);
    second.userRemoved(user);
  }

  @Override
  public void permissionSet(AccessControl.Permission permission) {
    first.permissionSet(permission);
    second.permissionSet(permission);
  }

  @Override
  public void permissionCleared(AccessControl.Permission permission) {
    first.permissionCleared(permission);
    second.permissionCleared(permission);
  }

  @Override
  public void topicPermissionSet(AccessControl.TopicPermission permission) {
    first.topicPermissionSet(permission);
    second.topicPermissionSet(permission);
  }

  @Override
  public void topicPermissionCleared(AccessControl.TopicPermission permission) {
    first.topicPermissionCleared(permission);
    second.topicPermissionCleared(permission);
  }

  @Override
  public void policySet(Policy policy) {
    first.policySet(policy);
    second.policySet(policy);
  }

  @Override
  public void policyCleared(String vhost, String name) {
    first.policyCleared(vhost, name);
    second.policyCleared(vhost, name);
  }

  @Override
  public void exchangeAdded(Exchange exchange) {
    first.exchangeAdded(exchange);
    second.exchangeAdded(exchange);
  }

  @Override
  public void exchangeRemoved(Exchange exchange) {
    first.exchangeRemoved(exchange);
    second.exchangeRemoved(exchange);
  }

  @Override
  public void queueAdded(QueueState queue) {
    first.queueAdded(queue);
    second.queueAdded(queue);
  }

  @Override
  public void queueRemoved(QueueState queue) {
    first.queueRemoved(queue);
    second.queueRemoved(queue);
  }

  @Override
  public void bindingAdded(Binding binding) {
    first.bindingAdded(binding);
    second.bindingAdded(binding);
  }

  @Override
  public void bindingRemoved(Binding binding) {
    first.bindingRemoved(binding);
    second.bindingRemoved(binding);
  }

  @Override
  public void messageAdded(QueueState queue, long id, Message message) {
    first.messageAdded(queue, id, message);
    second.messageAdded(queue, id, message);
  }

  @Override
  public void messageRemoved(QueueState queue, long id, Message message) {
    first.messageRemoved(queue, id, message);
    second.messageRemoved(queue, id, message);
  }

  @Override
  public void messageExpires(QueueState queue, long id, Message message, long expiresAt) {
    first.messageExpires(queue, id, message, expiresAt);
    second.messageExpires(queue, id, message, expiresAt);
  }

  @Override
  public void deliveryCounted(QueueState queue, long id, Message message, int count) {
    first.deliveryCounted(queue, id, message, count);
    second.deliveryCounted(queue, id, message, count);
  }

  @Override
  public void messageDelivered(QueueState queue, long id) {
    first.messageDelivered(queue, id);
    second.messageDelivered(queue, id);
  }
}
