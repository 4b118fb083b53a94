package dev.syncplane.core;

public enum UpdateKind {
  CHANGE,
  DELETE
}
