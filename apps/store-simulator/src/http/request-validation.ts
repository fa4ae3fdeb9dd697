/**
 * The one validation policy for request bodies: unknown fields are refused
 * (not silently dropped), and a failure is a 400 whose messages name the field.
 */
import { ValidationPipe } from '@nestjs/common';

/** A ValidationPipe with whitelist, forbidNonWhitelisted and transform on. */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
}
