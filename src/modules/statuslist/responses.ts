// Success bodies of the statuslist routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

const listVersion = z.strictObject({
  version: w.int,
  publishedAt: w.dateTime,
  publishedBy: z.string(),
  changed: w.int,
  entered: w.int,
  removed: w.int,
  total: w.int,
  ownTotal: w.int,
});

// POST /api/v1/interchange/status-lists
export const postInterchangeStatusListsResponse = z.strictObject({
  result: w.int,
  network: z.string(),
  kind: z.string(),
  version: w.int.nullable(),
  entries: w.int,
  changes: w.int,
});

// PUT /api/v1/interchange/peers/:network/certificate
export const putInterchangePeersCertificateResponse = z.strictObject({
  peer: z.strictObject({
    network: z.string(),
    fingerprint: z.string(),
    subject: z.string(),
    issuer: z.string(),
    validFrom: z.string(),
    validTo: z.string(),
  }),
});

// GET /api/v1/interchange/peers
export const getInterchangePeersResponse = z.strictObject({
  peers: z.array(
    z.strictObject({
      network: z.string(),
      certificate: z.strictObject({
        fingerprint: z.string(),
        subject: z.string(),
        issuer: z.string(),
        validFrom: z.string(),
        validTo: z.string(),
      }),
      list: z.strictObject({ version: w.int, kind: z.string(), entries: w.int, receivedAt: w.dateTime }).nullable(),
    }),
  ),
});

// GET /api/v1/status-list
export const getStatusListResponse = z.strictObject({
  network: z.string(),
  version: listVersion.nullable(),
  open: z.strictObject({ pending: w.int, held: w.int }),
  deltasFrom: w.int,
  settings: z.strictObject({
    publishIntervalSeconds: w.int,
    deltaRetentionDays: w.int,
    lagThresholdSeconds: w.int,
    lowBalanceFen: w.int,
  }),
});

// GET /api/v1/status-list/versions
export const getStatusListVersionsResponse = z.strictObject({ versions: z.array(listVersion) });

// GET /api/v1/status-list/entries/:medium/:id
export const getStatusListEntriesResponse = z.strictObject({
  entry: z.strictObject({
    medium: z.string(),
    id: z.string(),
    listed: z.boolean(),
    reason: w.int.nullable(),
    reasonName: z.string().nullable(),
    sinceVersion: w.int.nullable(),
    causes: z.array(z.strictObject({ reason: w.int, name: z.string().nullable(), sinceVersion: w.int })),
    changes: z.array(
      z.strictObject({
        id: w.int,
        medium: z.string(),
        mediumId: z.string(),
        issuer: z.string(),
        action: z.string(),
        reason: w.int.nullable(),
        whole: z.boolean(),
        source: z.string(),
        state: z.string(),
        version: w.int.nullable(),
        customerId: w.int,
        event: z.string().nullable(),
        note: z.string().nullable(),
        createdAt: w.dateTime,
        createdBy: z.string(),
        decidedAt: w.dateTime.nullable(),
        decidedBy: z.string().nullable(),
      }),
    ),
  }),
});

// POST /api/v1/status-list/entries
export const postStatusListEntriesResponse = z.strictObject({
  change: z.strictObject({
    id: w.int,
    medium: z.string(),
    mediumId: z.string(),
    issuer: z.string(),
    action: z.string(),
    reason: w.int.nullable(),
    whole: z.boolean(),
    source: z.string(),
    state: z.string(),
    version: w.int.nullable(),
    customerId: w.int,
    event: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: w.dateTime,
    createdBy: z.string(),
    decidedAt: w.dateTime.nullable(),
    decidedBy: z.string().nullable(),
  }),
});

// POST /api/v1/status-list/entries/:medium/:id/removal
export const postStatusListEntriesRemovalResponse = z.strictObject({
  change: z.strictObject({
    id: w.int,
    medium: z.string(),
    mediumId: z.string(),
    issuer: z.string(),
    action: z.string(),
    reason: w.int.nullable(),
    whole: z.boolean(),
    source: z.string(),
    state: z.string(),
    version: w.int.nullable(),
    customerId: w.int,
    event: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: w.dateTime,
    createdBy: z.string(),
    decidedAt: w.dateTime.nullable(),
    decidedBy: z.string().nullable(),
  }),
});

// GET /api/v1/status-list/changes
export const getStatusListChangesResponse = z.strictObject({
  changes: z.array(
    z.strictObject({
      id: w.int,
      medium: z.string(),
      mediumId: z.string(),
      issuer: z.string(),
      action: z.string(),
      reason: w.int.nullable(),
      whole: z.boolean(),
      source: z.string(),
      state: z.string(),
      version: w.int.nullable(),
      customerId: w.int,
      event: z.string().nullable(),
      note: z.string().nullable(),
      createdAt: w.dateTime,
      createdBy: z.string(),
      decidedAt: w.dateTime.nullable(),
      decidedBy: z.string().nullable(),
    }),
  ),
});

// POST /api/v1/status-list/changes/:changeId/confirm
export const postStatusListChangesConfirmResponse = z.strictObject({
  change: z.strictObject({
    id: w.int,
    medium: z.string(),
    mediumId: z.string(),
    issuer: z.string(),
    action: z.string(),
    reason: w.int.nullable(),
    whole: z.boolean(),
    source: z.string(),
    state: z.string(),
    version: w.int.nullable(),
    customerId: w.int,
    event: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: w.dateTime,
    createdBy: z.string(),
    decidedAt: w.dateTime.nullable(),
    decidedBy: z.string().nullable(),
  }),
});

// POST /api/v1/status-list/changes/:changeId/discard
export const postStatusListChangesDiscardResponse = z.strictObject({
  change: z.strictObject({
    id: w.int,
    medium: z.string(),
    mediumId: z.string(),
    issuer: z.string(),
    action: z.string(),
    reason: w.int.nullable(),
    whole: z.boolean(),
    source: z.string(),
    state: z.string(),
    version: w.int.nullable(),
    customerId: w.int,
    event: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: w.dateTime,
    createdBy: z.string(),
    decidedAt: w.dateTime.nullable(),
    decidedBy: z.string().nullable(),
  }),
});

// POST /api/v1/status-list/publications
export const postStatusListPublicationsResponse = z.strictObject({
  published: z
    .strictObject({
      version: w.int.nullable(),
      publishedAt: w.dateTime,
      changes: w.int,
      changed: w.int,
      entered: w.int,
      removed: w.int,
      total: w.int,
      ownTotal: w.int,
    })
    .nullable(),
});

// POST /api/v1/status-list/lanes/:laneId/full-list
export const postStatusListLanesFullListResponse = z.strictObject({
  laneId: z.string(),
  requestedAt: w.dateTime,
});

// POST /api/v1/status-list/snapshots
export const postStatusListSnapshotsResponse = z.strictObject({ queued: z.literal(true), version: w.int });

// GET /api/v1/status-list/snapshots
export const getStatusListSnapshotsResponse = z.strictObject({
  snapshots: z.array(
    z.strictObject({
      version: w.int.nullable(),
      builtAt: w.dateTime,
      requestedBy: z.string(),
      entries: w.int,
      sha256: z.string(),
      signature: z.string(),
      bytes: w.int,
      file: z.string(),
    }),
  ),
});

// GET /api/v1/status-list/distribution
export const getStatusListDistributionResponse = z.strictObject({
  at: w.dateTime,
  currentVersion: w.int,
  publishedAt: w.dateTime.nullable(), // null before the first version is published
  thresholdSeconds: w.int,
  summary: z.strictObject({
    lanes: w.int,
    current: w.int,
    lagging: w.int,
    behind: w.int,
    neverReported: w.int,
    oldestAppliedVersion: w.int.nullable(), // null while no lane has reported a version
    maxSecondsBehind: w.int,
    byVersion: z.array(
      z.strictObject({
        version: w.int.nullable(),
        lanes: w.int,
      }),
    ),
  }),
  lanes: z.array(
    z.strictObject({
      laneId: z.string(),
      stationId: w.int,
      stationName: z.string(),
      appliedVersion: w.int.nullable(),
      versionsBehind: w.int,
      secondsBehind: w.int,
      behind: z.boolean(),
      lastHeartbeatAt: w.dateTime.nullable(),
      appliedAt: w.dateTime.nullable(),
      software: z.string().nullable(),
      fullListRequested: z.boolean(),
    }),
  ),
});
