package io.warren.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a queue's consumers gets the next message, as RabbitMQ decides it.
 *
 * <p>Consumers are grouped by their {@code x-priority} (0 without), highest first; within a group
 * they take turns (the head gets the next message, then goes to the back). A lower group gets a
 * message only when every consumer of the higher ones is blocked (no credit or prefetch room).
 * Without priorities there is one group, so the common case costs what a single round-robin does.
 *
 * <p>With {@code x-single-active-consumer} only the active consumer gets messages: the first one
 * registered; when it goes, the waiting consumer with the highest priority, the earliest
 * registered among equals (RabbitMQ 3.10's classic queues: a new consumer never preempts the
 * active one, whatever its priority).
 *
 * <p>{@link #inOrder()} is all of this state: groups high to low, each in turn order; for a single
 * active consumer queue the active consumer, then the waiting ones in registration order. {@link
 * #restore} rebuilds the same decisions from that list, so a snapshot needs nothing more.
 */
final class ConsumerRotation {
  private record Group(long priority, ArrayDeque<ConsumerState> members) {}

  private final boolean singleActive;
  /** Highest priority first; never an empty group. */
  private final List<Group> groups = new ArrayList<>(1);
  /** Single active consumer: the one that gets messages, or null. */
  private ConsumerState active;
  /** Single active consumer: the others, in registration order. */
  private final List<ConsumerState> waiting = new ArrayList<>();
  private int size;

  ConsumerRotation(boolean singleActive) {
    this.singleActive = singleActive;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(ConsumerState c) {
    size++;
    if (singleActive) {
      if (active == null) {
        active = c;
      } else {
        waiting.add(c);
      }
      return;
    }
    int i = 0;
    while (i < groups.size() && groups.get(i).priority > c.priority) {
      i++;
    }
    if (i == groups.size() || groups.get(i).priority != c.priority) {
      groups.add(i, new Group(c.priority, new ArrayDeque<>()));
    }
    groups.get(i).members.addLast(c);
  }

  void remove(ConsumerState c) {
    if (singleActive) {
      if (c == active) {
        active = nextActive();
        size--;
      } else if (waiting.remove(c)) {
        size--;
      }
      return;
    }
    for (int i = 0; i < groups.size(); i++) {
      Group g = groups.get(i);
      if (g.priority == c.priority && g.members.remove(c)) {
        size--;
        if (g.members.isEmpty()) {
          groups.remove(i);
        }
        return;
      }
    }
  }

  private ConsumerState nextActive() {
    ConsumerState next = null;
    for (ConsumerState c : waiting) {
      if (next == null || c.priority > next.priority) {
        next = c;
      }
    }
    if (next != null) {
      waiting.remove(next);
    }
    return next;
  }

  /**
   * The consumer the next message goes to, or null when every consumer that may get one is
   * blocked. Passing over a consumer moves it to the back of its group, as a delivery does.
   */
  ConsumerState nextTaker() {
    if (singleActive) {
      return active != null && active.canTake() ? active : null;
    }
    for (int i = 0; i < groups.size(); i++) {
      ArrayDeque<ConsumerState> members = groups.get(i).members;
      for (int n = members.size(); n > 0; n--) {
        ConsumerState c = members.pollFirst();
        members.addLast(c);
        if (c.canTake()) {
          return c;
        }
      }
    }
    return null;
  }

  /** Every consumer, in the order that is this rotation's whole state (see the class comment). */
  List<ConsumerState> inOrder() {
    List<ConsumerState> all = new ArrayList<>(size);
    if (singleActive) {
      if (active != null) {
        all.add(active);
      }
      all.addAll(waiting);
    } else {
      groups.forEach(g -> all.addAll(g.members));
    }
    return all;
  }

  /** Restart: back to the state {@link #inOrder()} described. */
  void restore(List<ConsumerState> order) {
    groups.clear();
    waiting.clear();
    active = null;
    size = 0;
    order.forEach(this::add);
  }
}
