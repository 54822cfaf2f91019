// The layout's import rules (../shared/DESIGN.md "Layout"), checked by `npm run lint`.
// Every rule holds with no exceptions (issue 14 removed the last known violations), so any new
// import across a door fails lint. test/unit/layout/layout-rules.test.ts shows each rule firing.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No circular imports between files (and so between folders).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'aws-sdk-only-in-aws',
      severity: 'error',
      comment: 'src/aws is the only door to AWS.',
      from: { path: '^(src|commands)/', pathNot: '^src/(aws|sandbox)/' },
      to: { path: '(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'ioredis-only-in-store',
      severity: 'error',
      comment: 'src/store is the only door to Redis (connections are handed to BullMQ from there).',
      from: { path: '^(src|commands)/', pathNot: '^src/(store|sandbox)/' },
      to: { path: '(^|/)node_modules/ioredis/' },
    },
    {
      name: 'bullmq-only-in-jobs',
      severity: 'error',
      comment: 'src/jobs is the only place for BullMQ.',
      from: { path: '^(src|commands)/', pathNot: '^src/(jobs|sandbox)/' },
      to: { path: '(^|/)node_modules/bullmq/' },
    },
    {
      name: 'slack-only-in-slack',
      severity: 'error',
      comment: 'src/slack is the only door to Slack.',
      from: { path: '^(src|commands)/', pathNot: '^src/(slack|sandbox)/' },
      to: { path: '(^|/)node_modules/@slack/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain: pure rules, no I/O, no outer ring.',
      from: { path: '^src/domain/' },
      to: {
        path: [
          '^src/(aws|store|slack|jobs|services|events|http|runtime|sandbox|app)/',
          '^commands/',
          '(^|/)node_modules/(ioredis|bullmq|@slack|@aws-sdk)/',
        ],
      },
    },
    {
      name: 'deploy-reads-only-config',
      severity: 'error',
      comment:
        "deploy/ reads the bot's config with the bot's loader (src/config), and the detail-types /aws/events reads (plain data), nothing else of the bot.",
      from: { path: '^deploy/' },
      to: { path: '^(src|commands)/', pathNot: '^src/(config/|events/detail-types\\.ts$)' },
    },
    {
      name: 'no-cdk-in-the-bot',
      severity: 'error',
      comment:
        'The bot never imports the install (deploy/, aws-cdk-lib, constructs): they stay out of the image.',
      from: { path: '^(src|commands)/' },
      to: { path: ['^deploy/', '(^|/)node_modules/(aws-cdk-lib|aws-cdk|constructs)/'] },
    },
    {
      name: 'no-sandbox-in-production',
      severity: 'error',
      comment: 'The sandbox is wired in only by configuration (URLs, tokens), never imported.',
      from: { path: '^(src|commands)/', pathNot: '^src/sandbox/' },
      to: { path: '^src/sandbox/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
