package io.warren.model;

import java.util.Objects;

/** An exchange's full name. The default exchange is the empty name. */
public record ExchangeName(String vhost, String name) implements Resource {
  public ExchangeName {
    Objects.requireNonNull(vhost);
    Objects.requireNonNull(name);
  }

  @Override
  public String kind() {
    return "exchange";
  }

  public boolean isDefault() {
    return name.isEmpty();
  }

  @Override
  public String toString() {
    return Resource.describe(this);
  }
}
