package io.warren.model;

import java.util.Objects;

/** A queue's full name. */
public record QueueName(String vhost, String name) implements Resource {
  public QueueName {
    Objects.requireNonNull(vhost);
    Objects.requireNonNull(name);
  }

  @Override
  public String kind() {
    return "queue";
  }

  @Override
  public String toString() {
    return Resource.describe(this);
  }
}
