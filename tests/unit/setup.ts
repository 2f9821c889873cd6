// Unit tests run in Node: fake-indexeddb stands in for IndexedDB (pure storage logic only;
// storage behaviour that matters is tested in real Chromium by the e2e suite).
import 'fake-indexeddb/auto';
