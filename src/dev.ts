// `npm run dev`: development mode (error pages show stack traces, views are not cached).
process.env.NODE_ENV ??= "development";
await import("./server.js");
