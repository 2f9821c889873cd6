import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { theme } from './lib/state/theme.svelte';
import { pwa } from './lib/state/pwa.svelte';

theme.apply();
const target = document.getElementById('app');
if (!target) throw new Error('Hearth cannot start: #app is missing from index.html.');
mount(App, { target });
// Benchmarks read this mark: the shell is rendered and handles input from here on.
performance.mark('hearth:interactive');
pwa.register();
