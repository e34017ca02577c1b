package io.warren.raft;

/** Creates the state machine of a group hosted on this node, on group creation and at every start. */
@FunctionalInterface
public interface StateMachineFactory {
  /** A new instance for the group called {@code groupName} (see {@link GroupSpec#name()}). */
  GroupStateMachine<?> create(String groupName);
}
