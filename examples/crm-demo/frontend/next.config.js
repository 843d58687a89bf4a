// The frontend proxies /api/* to the backend (on the instance's own localhost:4000 inside Coast).
const backend = process.env.BACKEND_URL || 'http://localhost:4000';

module.exports = {
  async rewrites() {
    return [{ source: '/api/:path*', destination: `${backend}/api/:path*` }];
  },
};
