import { PROBE } from '@flotilla/contracts';
console.log('probe', PROBE);
