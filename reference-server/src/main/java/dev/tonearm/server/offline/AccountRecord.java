package dev.tonearm.server.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Persisted offline state of one account: its offline devices in registration order. Immutable. */
public record AccountRecord(String accountId, List<DeviceRecord> devices) {
  public AccountRecord {
    Objects.requireNonNull(accountId, "accountId");
    devices = List.copyOf(devices);
  }

  /** Returns an account with no offline devices. */
  public static AccountRecord empty(String accountId) {
    return new AccountRecord(accountId, List.of());
  }

  public Optional<DeviceRecord> device(String deviceId) {
    for (DeviceRecord device : devices) {
      if (device.deviceId().equals(deviceId)) {
        return Optional.of(device);
      }
    }
    return Optional.empty();
  }

  /** Returns a copy with {@code device} added, or replacing the device with the same id. */
  public AccountRecord withDevice(DeviceRecord device) {
    List<DeviceRecord> updated = new ArrayList<>(devices.size() + 1);
    boolean replaced = false;
    for (DeviceRecord existing : devices) {
      if (existing.deviceId().equals(device.deviceId())) {
        updated.add(device);
        replaced = true;
      } else {
        updated.add(existing);
      }
    }
    if (!replaced) {
      updated.add(device);
    }
    return new AccountRecord(accountId, updated);
  }

  public AccountRecord withoutDevice(String deviceId) {
    List<DeviceRecord> updated = new ArrayList<>(devices.size());
    for (DeviceRecord existing : devices) {
      if (!existing.deviceId().equals(deviceId)) {
        updated.add(existing);
      }
    }
    return new AccountRecord(accountId, updated);
  }
}
