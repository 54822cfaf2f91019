import { spawn } from 'node:child_process';
import { CodePipelineClient, GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';

const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'bench/aws-endpoint.ts', '--world', 'src/sandbox/aws/worlds/demo.yml'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url: string = await new Promise((r) => {
  let buf = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    const m = /"url":"([^"]+)"/.exec(buf);
    if (m) r(m[1]!);
  });
});
const c = new CodePipelineClient({
  endpoint: url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 1,
});
for (const round of [0, 1, 2]) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const N = 1000;
  for (let i = 0; i < N; i++) await c.send(new GetPipelineStateCommand({ name: 'web-app' }));
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `round ${round}: ${((performance.now() - t0) / N).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms client cpu per call`,
  );
}
child.kill();
