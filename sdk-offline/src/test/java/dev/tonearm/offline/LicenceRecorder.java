package dev.tonearm.offline;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records licence events as short strings, for example {@code phase:WARNING:24}. */
final class LicenceRecorder implements LicenceListener {
  final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void onPhaseChanged(LicenceStatus status) {
    events.add("phase:" + status.phase() + ":" + status.day());
  }

  @Override
  public void onReminder(LicenceStatus status) {
    events.add("reminder:" + status.day());
  }

  @Override
  public void onKeysWiped(int trackCount) {
    events.add("wiped:" + trackCount);
  }

  @Override
  public void onLocked(OfflineException.Reason reason) {
    events.add("locked:" + reason);
  }

  @Override
  public void onUnlocked() {
    events.add("unlocked");
  }

  @Override
  public void onRefreshed(LicenceStatus status, int keyCount) {
    events.add("refreshed:" + keyCount);
  }

  @Override
  public void onRefreshFailed(IOException error) {
    events.add("refreshFailed");
  }

  @Override
  public void onDeviceDeauthorised() {
    events.add("deauthorised");
  }
}
