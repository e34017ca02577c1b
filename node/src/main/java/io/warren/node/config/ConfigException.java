package io.warren.node.config;

/** A configuration problem that stops the node at start; the message names the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
