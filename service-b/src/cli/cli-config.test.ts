import { describe, expect, it } from 'vitest';
import { loadCliConfig } from './cli-config.js';

describe('loadCliConfig', () => {
  it('falls back to the native stack’s addresses, so the commands need no environment', () => {
    expect(loadCliConfig({})).toEqual({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
      KAFKA_TOPIC: 'user-events',
      KAFKA_DEAD_LETTER_TOPIC: 'user-events.dlq',
      LOG_LEVEL: 'info',
    });
  });

  it('takes the environment’s brokers, registry and topics, the dead-letter topic derived from the topic', () => {
    const config = loadCliConfig({
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7',
      KAFKA_TOPIC: 'events',
    });
    expect(config).toMatchObject({ KAFKA_BROKERS: ['k1:9092', 'k2:9092'], KAFKA_DEAD_LETTER_TOPIC: 'events.dlq' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad value at once', () => {
    expect(() => loadCliConfig({ SCHEMA_REGISTRY_URL: 'registry', LOG_LEVEL: 'loud' })).toThrow(
      /SCHEMA_REGISTRY_URL[\s\S]*LOG_LEVEL/,
    );
  });
});
