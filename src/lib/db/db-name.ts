// The app database's name, apart from db.ts so code that must not load Dexie (the service
// worker's ledger writes) can name it too.
export const DB_NAME = 'hearth';
