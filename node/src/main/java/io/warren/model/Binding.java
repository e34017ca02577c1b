package io.warren.model;

import java.util.Objects;

/** A binding from a source exchange to a queue or exchange. */
public record Binding(ExchangeName source, Resource destination, String routingKey, Arguments arguments) {
  public Binding {
    Objects.requireNonNull(source);
    Objects.requireNonNull(destination);
    Objects.requireNonNull(routingKey);
    Objects.requireNonNull(arguments);
  }
}
