import { versionProfile } from '../versions.js';
import { defineRule } from './types.js';

/**
 * The postmaster refuses to start when the reserved slots leave none for ordinary roles
 * (postmaster.c, PostmasterMain: "superuser_reserved_connections … must be less than max_connections").
 */
export const reservedConnections = defineRule({
  id: 'reserved-connections-exceed-max',
  check({ model }) {
    const s = model.input.settings;
    const superuser = s.num('superuser_reserved_connections');
    const reserved = s.numOr('reserved_connections', 0);
    const max = s.num('max_connections');
    if (superuser + reserved < max) return [];
    const { features, messages } = versionProfile(s.version);
    const quote = (name: string): string => (messages.quotedNames ? `"${name}"` : name);
    const message = features.reservedConnections
      ? `${quote('superuser_reserved_connections')} (${superuser}) plus ${quote('reserved_connections')} (${reserved}) must be less than ${quote('max_connections')} (${max})`
      : `superuser_reserved_connections (${superuser}) must be less than max_connections (${max})`;
    return [
      {
        setting: 'max_connections',
        message: `the server refuses to start: ${message}`,
        fix: `raise max_connections above ${superuser + reserved}`,
        data: { superuserReserved: superuser, reserved, maxConnections: max },
      },
    ];
  },
});
