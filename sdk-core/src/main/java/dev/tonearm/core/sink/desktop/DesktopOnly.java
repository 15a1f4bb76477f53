package dev.tonearm.core.sink.desktop;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class that uses desktop-only JDK APIs (such as {@code javax.sound}) that Android lacks.
 * The build's Android API check skips classes with this annotation; nothing outside this package
 * may use it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface DesktopOnly {}
